/**
 * Checks every parsed JSON body, query string and route parameter of the API before validation, on its whole
 * tree and without recursion: class-transformer overflows the stack on deeply nested JSON (a 500 at about 2,350
 * levels), and PostgreSQL refuses NUL characters in text (22021) and lone UTF-16 surrogates in jsonb (22P05),
 * which would otherwise surface as 500s from whichever field carried them. Each problem is a 400 naming the field.
 */

/** Deepest nesting of objects and arrays any API body needs (detection settings are about 4 levels). */
export const MAX_JSON_DEPTH = 32;
/** Longest string accepted in any field not listed in LONG_STRING_FIELDS (each DTO caps its own fields lower). */
export const MAX_STRING_CHARS = 10_000;
/** Fields that legitimately carry long text, with their own caps in their DTOs. */
const LONG_STRING_FIELDS = new Set(['yaml']);

// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface InputProblem {
  field: string;
  message: string;
}

function fieldName(path: (string | number)[]): string {
  return path.length ? path.join('.') : '(body)';
}

function stringProblem(text: string, path: (string | number)[], isKey: boolean): InputProblem | undefined {
  const field = fieldName(path);
  if (NUL.test(text)) return { field, message: `${field}: ${isKey ? 'a key ' : ''}must not contain NUL (\\u0000) characters` };
  if (LONE_SURROGATE.test(text)) return { field, message: `${field}: ${isKey ? 'a key ' : ''}must be valid Unicode (no lone surrogate \\ud800-\\udfff)` };
  const last = path[path.length - 1];
  if (!isKey && text.length > MAX_STRING_CHARS && !(typeof last === 'string' && LONG_STRING_FIELDS.has(last))) {
    return { field, message: `${field}: must be at most ${MAX_STRING_CHARS} characters` };
  }
  return undefined;
}

/** The first problem in `value` (a parsed JSON body, query or params object), or undefined when it is fine. */
export function inputProblem(value: unknown, rootPath: (string | number)[] = []): InputProblem | undefined {
  const stack: { value: unknown; path: (string | number)[]; depth: number }[] = [{ value, path: rootPath, depth: 0 }];
  while (stack.length) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = stringProblem(v, path, false);
      if (problem) return problem;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) {
      return { field: fieldName(rootPath), message: `${fieldName(rootPath)}: nested deeper than ${MAX_JSON_DEPTH} levels` };
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, i], depth: depth + 1 });
    } else {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i];
        const problem = stringProblem(key, [...path, key], true);
        if (problem) return problem;
        stack.push({ value: (v as Record<string, unknown>)[key], path: [...path, key], depth: depth + 1 });
      }
    }
  }
  return undefined;
}

interface GuardedRequest {
  body?: unknown;
  query?: unknown;
  params?: unknown;
}

interface GuardReply {
  code(status: number): GuardReply;
  send(payload: unknown): unknown;
}

interface HookHost {
  addHook(name: 'preValidation', hook: (request: GuardedRequest, reply: GuardReply) => Promise<unknown>): unknown;
}

/**
 * Registers the guard for every route of the server. Raw string bodies (the collector parses and checks its own
 * beacons) are left alone; parsed JSON bodies, query strings and route parameters are checked.
 */
export function registerInputGuard(fastify: HookHost): void {
  fastify.addHook('preValidation', async (request, reply) => {
    const problem =
      (typeof request.body === 'object' ? inputProblem(request.body) : undefined) ??
      inputProblem(request.query ?? {}, []) ??
      inputProblem(request.params ?? {}, []);
    if (!problem) return undefined;
    return reply.code(400).send({ statusCode: 400, code: 'validation_failed', message: problem.message, details: { field: problem.field } });
  });
}
