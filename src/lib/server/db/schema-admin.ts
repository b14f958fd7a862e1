// Admin access: admins, sessions, API keys, setup links, sign-in throttling.
import { index, integer, pgTable, serial, text } from 'drizzle-orm/pg-core';
import { tstz } from './schema-monitors';

export const admins = pgTable('admins', {
	id: serial('id').primaryKey(),
	/** Stored lower-cased. */
	email: text('email').notNull().unique(),
	name: text('name').notNull().default(''),
	/** argon2id PHC string. */
	passwordHash: text('password_hash').notNull(),
	createdAt: tstz('created_at').notNull().defaultNow(),
	updatedAt: tstz('updated_at').notNull().defaultNow()
});

/** Sessions: only the SHA-256 of the cookie token is stored. */
export const sessions = pgTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		adminId: integer('admin_id')
			.notNull()
			.references(() => admins.id, { onDelete: 'cascade' }),
		expiresAt: tstz('expires_at').notNull(),
		createdAt: tstz('created_at').notNull().defaultNow()
	},
	(t) => [index('sessions_admin_idx').on(t.adminId)]
);

/** API keys: shown once, stored as SHA-256; scope "read" or "write". */
export const apiKeys = pgTable('api_keys', {
	id: serial('id').primaryKey(),
	name: text('name').notNull(),
	/** The first characters of the key, to tell keys apart in lists. */
	prefix: text('prefix').notNull(),
	keyHash: text('key_hash').notNull().unique(),
	scope: text('scope').notNull(),
	createdBy: integer('created_by').references(() => admins.id, { onDelete: 'set null' }),
	createdAt: tstz('created_at').notNull().defaultNow(),
	lastUsedAt: tstz('last_used_at'),
	revokedAt: tstz('revoked_at')
});

/** One-time links that create the first admin; only a hash is stored. */
export const setupTokens = pgTable('setup_tokens', {
	tokenHash: text('token_hash').primaryKey(),
	createdAt: tstz('created_at').notNull().defaultNow(),
	usedAt: tstz('used_at')
});

/** Failed sign-ins per key ("email:…" or "ip:…"), for throttling across processes. */
export const loginThrottle = pgTable('login_throttle', {
	key: text('key').primaryKey(),
	failures: integer('failures').notNull().default(0),
	windowStart: tstz('window_start').notNull().defaultNow(),
	lockedUntil: tstz('locked_until')
});
