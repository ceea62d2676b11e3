/** The `${{ vars.NAME }}` / `${{ secrets.NAME }}` template syntax: checked by the schema, resolved by templates.ts. */

export const TEMPLATE = /\$\{\{(.*?)\}\}/g;
export const REFERENCE = /^\s*(vars|secrets)\.([A-Za-z_][A-Za-z0-9_]*)\s*$/;

/** Syntax problems of the `${{ ... }}` templates in one string (empty when fine). */
export function checkTemplates(value: string): string[] {
  const problems: string[] = [];
  for (const m of value.matchAll(TEMPLATE)) {
    if (!REFERENCE.test(m[1])) problems.push(`bad template "${m[0]}": use \${{ vars.NAME }} or \${{ secrets.NAME }}`);
  }
  const rest = value.replace(TEMPLATE, '');
  if (rest.includes('${{')) problems.push('unterminated template: "${{" without "}}"');
  return problems;
}
