CREATE TABLE "check_days" (
	"monitor_id" integer NOT NULL,
	"up" integer DEFAULT 0 NOT NULL,
	"degraded" integer DEFAULT 0 NOT NULL,
	"down" integer DEFAULT 0 NOT NULL,
	"maintenance" integer DEFAULT 0 NOT NULL,
	"latency_sum" double precision DEFAULT 0 NOT NULL,
	"latency_count" integer DEFAULT 0 NOT NULL,
	"latency_min" double precision,
	"latency_max" double precision,
	"day" date NOT NULL,
	CONSTRAINT "check_days_monitor_id_day_pk" PRIMARY KEY("monitor_id","day")
);
--> statement-breakpoint
CREATE TABLE "check_hours" (
	"monitor_id" integer NOT NULL,
	"up" integer DEFAULT 0 NOT NULL,
	"degraded" integer DEFAULT 0 NOT NULL,
	"down" integer DEFAULT 0 NOT NULL,
	"maintenance" integer DEFAULT 0 NOT NULL,
	"latency_sum" double precision DEFAULT 0 NOT NULL,
	"latency_count" integer DEFAULT 0 NOT NULL,
	"latency_min" double precision,
	"latency_max" double precision,
	"bucket" timestamp with time zone NOT NULL,
	CONSTRAINT "check_hours_monitor_id_bucket_pk" PRIMARY KEY("monitor_id","bucket")
);
--> statement-breakpoint
CREATE TABLE "checks" (
	"monitor_id" integer NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"latency" double precision NOT NULL,
	"pings" jsonb NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checks_monitor_id_ts_pk" PRIMARY KEY("monitor_id","ts")
);
--> statement-breakpoint
CREATE TABLE "monitor_state" (
	"monitor_id" integer PRIMARY KEY NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"latency" double precision NOT NULL,
	"error" text,
	"since" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "monitors" (
	"id" serial PRIMARY KEY NOT NULL,
	"tag" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"type" text DEFAULT 'TCP' NOT NULL,
	"type_data" jsonb NOT NULL,
	"eval" text,
	"cron" text DEFAULT '* * * * *' NOT NULL,
	"public" boolean DEFAULT true NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"show_hosts" boolean DEFAULT false NOT NULL,
	"group_name" text,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monitors_tag_unique" UNIQUE("tag")
);
--> statement-breakpoint
ALTER TABLE "check_days" ADD CONSTRAINT "check_days_monitor_id_monitors_id_fk" FOREIGN KEY ("monitor_id") REFERENCES "public"."monitors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_hours" ADD CONSTRAINT "check_hours_monitor_id_monitors_id_fk" FOREIGN KEY ("monitor_id") REFERENCES "public"."monitors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checks" ADD CONSTRAINT "checks_monitor_id_monitors_id_fk" FOREIGN KEY ("monitor_id") REFERENCES "public"."monitors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "monitor_state" ADD CONSTRAINT "monitor_state_monitor_id_monitors_id_fk" FOREIGN KEY ("monitor_id") REFERENCES "public"."monitors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "check_days_day_idx" ON "check_days" USING btree ("day");--> statement-breakpoint
CREATE INDEX "check_hours_bucket_idx" ON "check_hours" USING btree ("bucket");--> statement-breakpoint
CREATE INDEX "checks_ts_idx" ON "checks" USING btree ("ts");