/** The JSON body of a response, loosely typed for assertions. */
export async function json(res: Response): Promise<any> {
  return res.json();
}
