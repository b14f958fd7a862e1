ALTER TABLE "alert_outbox" ALTER COLUMN "monitor_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_channels" ADD COLUMN "scope" text DEFAULT 'monitors' NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_channels" ADD COLUMN "scope_group" text;--> statement-breakpoint
ALTER TABLE "alert_channels" ADD COLUMN "storm_threshold" integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_channels" ADD COLUMN "source" text DEFAULT 'admin' NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_outbox" ADD COLUMN "batch_key" text;--> statement-breakpoint
ALTER TABLE "monitor_alert_state" ADD COLUMN "last_notified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "monitor_alert_state" ADD COLUMN "reminders" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "monitors" ADD COLUMN "alert_down" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "monitors" ADD COLUMN "alert_up" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "monitors" ADD COLUMN "alert_degraded" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "monitors" ADD COLUMN "alert_remind_minutes" integer;