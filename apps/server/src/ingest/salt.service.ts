import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DailySalt, pseudonymiseSession } from '@parallax/privacy';

/**
 * Random salt per UTC day, shared by replicas through the database and deleted after two days:
 * session ids of different days cannot be linked, even by someone holding the database.
 */
@Injectable()
export class SaltService {
  private current: { day: string; salt: Buffer } | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** A pseudonymiser for `siteId` with the salt of the day of `nowMs`. */
  async pseudonymiserFor(siteId: string, nowMs: number): Promise<(sessionId: string) => string> {
    const salt = await this.saltOf(DailySalt.dayOf(nowMs));
    return (sessionId) => pseudonymiseSession(sessionId, siteId, salt);
  }

  /** The same pseudonymiser without waiting when the day's salt is already in memory (the hot path), else undefined. */
  cachedPseudonymiserFor(siteId: string, nowMs: number): ((sessionId: string) => string) | undefined {
    const current = this.current;
    if (current?.day !== DailySalt.dayOf(nowMs)) return undefined;
    return (sessionId) => pseudonymiseSession(sessionId, siteId, current.salt);
  }

  private async saltOf(day: string): Promise<Buffer> {
    if (this.current?.day === day) return this.current.salt;
    await this.dataSource.query('INSERT INTO daily_salts (day, salt) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING', [day, randomBytes(32)]);
    const rows: { salt: Buffer }[] = await this.dataSource.query('SELECT salt FROM daily_salts WHERE day = $1', [day]);
    this.current = { day, salt: rows[0].salt };
    return rows[0].salt;
  }

  /** Deletes salts older than yesterday (retention job). */
  async forgetOldSalts(nowMs: number): Promise<void> {
    await this.dataSource.query('DELETE FROM daily_salts WHERE day < $1', [DailySalt.dayOf(nowMs - 86_400_000)]);
  }
}
