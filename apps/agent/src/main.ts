// The location agent: pulls due runs from the server and runs them in Chromium (see issue "Synthetic monitoring").
process.stderr.write('The Parallax agent is not implemented yet.\n');
process.exit(1);
