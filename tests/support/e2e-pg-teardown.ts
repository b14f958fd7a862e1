// playwright.pg.config.ts's global teardown: the suite's database goes with it.
import { dropE2eDatabase } from './e2e-database.js';

export default async function teardown() {
	await dropE2eDatabase(process.env.E2E_PORT);
}
