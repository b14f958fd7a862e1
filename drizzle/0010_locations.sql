CREATE TABLE "location_claims" (
	"monitor_id" integer NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"location" text NOT NULL,
	"worker_id" text NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "location_claims_monitor_id_ts_location_pk" PRIMARY KEY("monitor_id","ts","location")
);
--> statement-breakpoint
CREATE TABLE "location_hours" (
	"monitor_id" integer NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"location" text NOT NULL,
	"latency_sum" double precision DEFAULT 0 NOT NULL,
	"latency_count" integer DEFAULT 0 NOT NULL,
	"latency_min" double precision,
	"latency_max" double precision,
	CONSTRAINT "location_hours_monitor_id_hour_location_pk" PRIMARY KEY("monitor_id","hour","location")
);
--> statement-breakpoint
CREATE TABLE "location_results" (
	"monitor_id" integer NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"location" text NOT NULL,
	"latency" double precision,
	"pings" jsonb NOT NULL,
	"written_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "location_results_monitor_id_ts_location_pk" PRIMARY KEY("monitor_id","ts","location")
);
--> statement-breakpoint
CREATE TABLE "locations" (
	"name" text PRIMARY KEY NOT NULL,
	"last_seen" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "location_claims" ADD CONSTRAINT "location_claims_monitor_id_monitors_id_fk" FOREIGN KEY ("monitor_id") REFERENCES "public"."monitors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "location_hours" ADD CONSTRAINT "location_hours_monitor_id_monitors_id_fk" FOREIGN KEY ("monitor_id") REFERENCES "public"."monitors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "location_results" ADD CONSTRAINT "location_results_monitor_id_monitors_id_fk" FOREIGN KEY ("monitor_id") REFERENCES "public"."monitors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "location_claims_ts_idx" ON "location_claims" USING btree ("ts");