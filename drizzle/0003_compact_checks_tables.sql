CREATE TABLE "check_host_lists" (
	"monitor_id" integer NOT NULL,
	"version" integer NOT NULL,
	"hosts" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "check_host_lists_monitor_id_version_pk" PRIMARY KEY("monitor_id","version")
);
--> statement-breakpoint
CREATE TABLE "check_results" (
	"monitor_id" integer NOT NULL,
	"ts" integer NOT NULL,
	"latency" double precision NOT NULL,
	"status" smallint NOT NULL,
	"hosts" "bytea" NOT NULL,
	"error" text,
	CONSTRAINT "check_results_monitor_id_ts_pk" PRIMARY KEY("monitor_id","ts")
);
--> statement-breakpoint
CREATE TABLE "ping_addresses" (
	"id" serial PRIMARY KEY NOT NULL,
	"address" text NOT NULL,
	CONSTRAINT "ping_addresses_address_unique" UNIQUE("address")
);
--> statement-breakpoint
ALTER TABLE "check_host_lists" ADD CONSTRAINT "check_host_lists_monitor_id_monitors_id_fk" FOREIGN KEY ("monitor_id") REFERENCES "public"."monitors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_results" ADD CONSTRAINT "check_results_monitor_id_monitors_id_fk" FOREIGN KEY ("monitor_id") REFERENCES "public"."monitors"("id") ON DELETE cascade ON UPDATE no action;