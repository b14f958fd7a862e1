// Every Drizzle table, one import for queries, the connection and drizzle-kit
// (drizzle.config.ts reads this file). The tables live by subject:
// schema-monitors.ts (monitors, checks, rollups, slot claims), schema-admin.ts
// (admins, sessions, keys), schema-notices.ts (incidents, maintenance),
// schema-alerts.ts (channels, outbox, deliveries) and schema-locations.ts
// (probing from several places).
export * from './schema-monitors';
export * from './schema-admin';
export * from './schema-notices';
export * from './schema-alerts';
export * from './schema-locations';
