CREATE TABLE "check_blocks" (
	"monitor_id" integer NOT NULL,
	"hour" integer NOT NULL,
	"count" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "check_blocks_monitor_id_hour_pk" PRIMARY KEY("monitor_id","hour")
);
--> statement-breakpoint
ALTER TABLE "check_blocks" ADD CONSTRAINT "check_blocks_monitor_id_monitors_id_fk" FOREIGN KEY ("monitor_id") REFERENCES "public"."monitors"("id") ON DELETE cascade ON UPDATE no action;