import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, sqlStateOf } from './database-errors';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('recognises a server that is down, restarting, stalled or overloaded', () => {
    for (const error of [
      pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      pgError('ECONNRESET'),
      pgError('57P01', 'terminating connection due to administrator command'),
      pgError('57P03', 'the database system is starting up'),
      pgError('08006'),
      pgError('53300'),
      pgError('57014', 'canceling statement due to statement timeout'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Query read timeout'),
      new Error('Connection terminated unexpectedly'),
      Object.assign(new AggregateError([pgError('ECONNREFUSED'), pgError('ECONNREFUSED')]), { message: '' }),
    ]) {
      expect(isDatabaseUnavailable(error), String(error)).toBe(true);
    }
  });

  it('looks inside a TypeORM QueryFailedError', () => {
    expect(isDatabaseUnavailable({ message: 'x', driverError: pgError('57P01') })).toBe(true);
    expect(sqlStateOf({ driverError: pgError('22021') })).toBe('22021');
  });

  it('leaves data errors and bugs alone', () => {
    for (const error of [pgError('22021'), pgError('23505'), pgError('42P01'), new TypeError('x is undefined'), null, 'text']) {
      expect(isDatabaseUnavailable(error)).toBe(false);
    }
  });
});
