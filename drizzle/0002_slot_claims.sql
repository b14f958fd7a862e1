CREATE TABLE "slot_claims" (
	"monitor_id" integer NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"worker_id" text NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "slot_claims_monitor_id_ts_pk" PRIMARY KEY("monitor_id","ts")
);
--> statement-breakpoint
ALTER TABLE "slot_claims" ADD CONSTRAINT "slot_claims_monitor_id_monitors_id_fk" FOREIGN KEY ("monitor_id") REFERENCES "public"."monitors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "slot_claims_ts_idx" ON "slot_claims" USING btree ("ts");