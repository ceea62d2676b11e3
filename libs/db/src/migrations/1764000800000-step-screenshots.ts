import { MigrationInterface, QueryRunner } from 'typeorm';

/** Images of a journey's `screenshot:` steps are kept as run artifacts, one per step (kind `step-<index>`). */
export class StepScreenshots1764000800000 implements MigrationInterface {
  name = 'StepScreenshots1764000800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE run_artifacts DROP CONSTRAINT IF EXISTS run_artifacts_kind_check`);
    await q.query(`ALTER TABLE run_artifacts ADD CONSTRAINT run_artifacts_kind_check CHECK (kind IN ('screenshot', 'trace') OR kind ~ '^step-[0-9]{1,4}$')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM run_artifacts WHERE kind LIKE 'step-%'`);
    await q.query(`ALTER TABLE run_artifacts DROP CONSTRAINT IF EXISTS run_artifacts_kind_check`);
    await q.query(`ALTER TABLE run_artifacts ADD CONSTRAINT run_artifacts_kind_check CHECK (kind IN ('screenshot', 'trace'))`);
  }
}
