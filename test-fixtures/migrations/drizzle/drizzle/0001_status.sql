ALTER TABLE "orders" ADD COLUMN "status" text DEFAULT 'new' NOT NULL; -- ok: no-unsafe-migration -- has a default
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "orders_status_idx" ON "orders" ("status"); -- expect: no-unsafe-migration
