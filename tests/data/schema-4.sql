-- A database as the code before named migrations left it (schema 4, main at cd94b39): `directory init`, then
-- one run that saved a page of two people, an opt-out and a referral batch; dumped (sqlite3 iterdump) without
-- the rows of the 10,000 seeded institutions. tests/test_migrations.py upgrades it.
BEGIN TRANSACTION;
CREATE TABLE "experts" (
   "id" TEXT PRIMARY KEY,
   "name" TEXT,
   "title" TEXT,
   "email" TEXT,
   "phone" TEXT,
   "profile_url" TEXT,
   "photo_url" TEXT,
   "department" TEXT,
   "institution" TEXT,
   "country" TEXT,
   "interests" TEXT,
   "sources" TEXT,
   "source_urls" TEXT,
   "field_sources" TEXT,
   "strategy" TEXT,
   "first_seen" TEXT,
   "last_verified" TEXT,
   "last_changed" TEXT,
   "content_hash" TEXT,
   "language" TEXT,
   "last_seen_run" INTEGER,
   "missed_runs" INTEGER DEFAULT 0,
   "may_have_left" INTEGER DEFAULT 0,
   "demo" INTEGER DEFAULT 0
, "other_names" TEXT);
INSERT INTO "experts" VALUES('11ef2266827aa33f','Ann Lee','Lecturer','ann@a.example',NULL,NULL,NULL,'Physics','Alpha University','GB','["glass", "ceramics"]','["dept-a"]','["http://a.example/staff/"]','{"name": "http://a.example/staff/", "title": "http://a.example/staff/", "email": "http://a.example/staff/", "department": "http://a.example/staff/", "institution": "http://a.example/staff/", "country": "http://a.example/staff/", "interests": ["http://a.example/staff/"]}','','2026-12-01T14:09:03+00:00','2026-12-01T14:09:03+00:00','2026-12-01T14:09:03+00:00','1c45d0022a93f1e25ed6b8ed7d4285a1c0e49cbaec074939e9d3597607e8aba9',NULL,1,0,0,0,'[]');
INSERT INTO "experts" VALUES('cd697afd7dfc8d01','Bo Chan',NULL,'bo@a.example',NULL,NULL,NULL,'Physics','Alpha University','GB','["batteries"]','["dept-a"]','["http://a.example/staff/"]','{"name": "http://a.example/staff/", "email": "http://a.example/staff/", "department": "http://a.example/staff/", "institution": "http://a.example/staff/", "country": "http://a.example/staff/", "interests": ["http://a.example/staff/"]}','','2026-12-01T14:09:03+00:00','2026-12-01T14:09:03+00:00','2026-12-01T14:09:03+00:00','30c0068baff9d5d876c2500d683a6ca8490f61526bdfccffc3bd62d9b312f33d',NULL,1,0,0,0,'[]');
CREATE TABLE index_queue (seq integer primary key autoincrement, expert_id text not null unique, queued text, erase integer);
INSERT INTO "index_queue" VALUES(1,'11ef2266827aa33f','2026-12-01T14:09:03+00:00',0);
INSERT INTO "index_queue" VALUES(2,'cd697afd7dfc8d01','2026-12-01T14:09:03+00:00',0);
CREATE TABLE "institution_domains" (
   "domain" TEXT PRIMARY KEY,
   "institution_id" INTEGER
);
CREATE TABLE "institutions" (
   "id" INTEGER PRIMARY KEY,
   "name" TEXT,
   "country" TEXT,
   "domains" TEXT,
   "web_pages" TEXT
);
CREATE TABLE "interests" (
   "expert_id" TEXT,
   "position" INTEGER,
   "phrase" TEXT,
   PRIMARY KEY ("expert_id", "position")
);
INSERT INTO "interests" VALUES('11ef2266827aa33f',0,'glass');
INSERT INTO "interests" VALUES('11ef2266827aa33f',1,'ceramics');
INSERT INTO "interests" VALUES('cd697afd7dfc8d01',0,'batteries');
CREATE TABLE "meta" (
   "key" TEXT PRIMARY KEY,
   "value" TEXT
);
INSERT INTO "meta" VALUES('schema_version','4');
INSERT INTO "meta" VALUES('changed','2026-12-01T14:09:03.628904+00:00');
CREATE TABLE "page_bodies" (
   "url" TEXT PRIMARY KEY,
   "source" TEXT,
   "final_url" TEXT,
   "fetched_at" TEXT,
   "headers" TEXT,
   "body" BLOB
);
INSERT INTO "page_bodies" VALUES('http://a.example/staff/','dept-a','http://a.example/staff/','2026-12-01T14:09:03+00:00','{}',X'789CB3C930B40B2E494C4BB3D107B20020DC044A');
CREATE TABLE "page_cache" (
   "url" TEXT PRIMARY KEY,
   "source" TEXT,
   "etag" TEXT,
   "last_modified" TEXT,
   "content_hash" TEXT,
   "links" TEXT,
   "fetched_at" TEXT
);
INSERT INTO "page_cache" VALUES('http://a.example/staff/','dept-a','x1',NULL,'h','[["http://a.example/staff/ann", 1]]','2026-12-01T14:09:03+00:00');
CREATE TABLE "pages" (
   "run_id" INTEGER,
   "url" TEXT,
   "source" TEXT,
   "depth" INTEGER,
   "status" TEXT,
   "http_status" INTEGER,
   "error" TEXT,
   "fetched_at" TEXT,
   "people" INTEGER,
   PRIMARY KEY ("run_id", "url")
);
INSERT INTO "pages" VALUES(1,'http://a.example/staff/','dept-a',0,'done',200,NULL,'2026-12-01T14:09:03+00:00',2);
INSERT INTO "pages" VALUES(1,'http://a.example/staff/ann','dept-a',1,'queued',NULL,NULL,NULL,NULL);
CREATE TABLE record_keys (record_id integer not null references records(id) on delete cascade, key text not null);
INSERT INTO "record_keys" VALUES(1,'email:ann@a.example');
INSERT INTO "record_keys" VALUES(1,'name:ann leedept-aalpha university');
INSERT INTO "record_keys" VALUES(2,'email:bo@a.example');
INSERT INTO "record_keys" VALUES(2,'name:bo chandept-aalpha university');
CREATE TABLE "records" (
   "id" INTEGER PRIMARY KEY,
   "source" TEXT,
   "page_url" TEXT,
   "record_key" TEXT,
   "expert_id" TEXT,
   "data" TEXT,
   "first_seen" TEXT,
   "fetched_at" TEXT,
   "run_id" INTEGER
);
INSERT INTO "records" VALUES(1,'dept-a','http://a.example/staff/','email:ann@a.example','11ef2266827aa33f','{"name": "Ann Lee", "email": "ann@a.example", "title": "Lecturer", "interests": ["glass", "ceramics"], "institution": "Alpha University", "country": "GB", "department": "Physics"}','2026-12-01T14:09:03+00:00','2026-12-01T14:09:03+00:00',1);
INSERT INTO "records" VALUES(2,'dept-a','http://a.example/staff/','email:bo@a.example','cd697afd7dfc8d01','{"name": "Bo Chan", "email": "bo@a.example", "interests": ["batteries"], "institution": "Alpha University", "country": "GB", "department": "Physics"}','2026-12-01T14:09:03+00:00','2026-12-01T14:09:03+00:00',1);
CREATE TABLE "referral_batches" (
   "name" TEXT PRIMARY KEY,
   "folded" TEXT
);
INSERT INTO "referral_batches" VALUES('batch-1','2026-12-01T14:09:03+00:00');
CREATE TABLE "referrals" (
   "ref" TEXT,
   "day" TEXT,
   "count" INTEGER,
   PRIMARY KEY ("ref", "day")
);
INSERT INTO "referrals" VALUES('chamber-1','2026-11-30',3);
CREATE TABLE "runs" (
   "id" INTEGER PRIMARY KEY,
   "started" TEXT,
   "finished" TEXT,
   "status" TEXT,
   "pid" INTEGER,
   "sources" TEXT,
   "summary" TEXT
);
INSERT INTO "runs" VALUES(1,'2026-12-01T14:09:03+00:00','2026-12-01T14:09:03+00:00','done',12437,'["dept-a"]','{"pages": 1, "people": 2}');
CREATE TABLE "sources" (
   "name" TEXT PRIMARY KEY,
   "institution" TEXT,
   "country" TEXT,
   "department" TEXT,
   "start_urls" TEXT,
   "updated" TEXT
);
INSERT INTO "sources" VALUES('dept-a','Alpha University','GB','Physics','["http://a.example/staff/"]','2026-12-01T14:09:03+00:00');
CREATE TABLE "split_sides" (
   "split_id" INTEGER REFERENCES "splits"("id"),
   "side" INTEGER,
   "source" TEXT,
   "page_url" TEXT,
   "name" TEXT,
   PRIMARY KEY ("split_id", "source", "page_url", "name")
);
CREATE TABLE "splits" (
   "id" INTEGER PRIMARY KEY,
   "created" TEXT,
   "note" TEXT
);
CREATE TABLE "suppressions" (
   "key" TEXT PRIMARY KEY,
   "kind" TEXT,
   "created" TEXT,
   "note" TEXT
, "request" TEXT);
INSERT INTO "suppressions" VALUES('b013fc764b92abde526076f96de93eec1e1393d66a1b1838351fd1f145bed3e8','email','2026-12-01T14:09:03+00:00','asked by email','b013fc764b92abde526076f96de93eec1e1393d66a1b1838351fd1f145bed3e8');
CREATE INDEX "idx_records_source_page_url"
    ON "records" ("source", "page_url");
CREATE INDEX "idx_records_expert_id"
    ON "records" ("expert_id");
CREATE INDEX "idx_record_keys_key"
    ON "record_keys" ("key");
CREATE INDEX "idx_record_keys_record_id"
    ON "record_keys" ("record_id");
CREATE INDEX "idx_split_sides_page_url"
    ON "split_sides" ("page_url");
CREATE INDEX "idx_experts_country"
    ON "experts" ("country");
CREATE INDEX "idx_experts_last_verified"
    ON "experts" ("last_verified");
CREATE INDEX "idx_experts_demo"
    ON "experts" ("demo");
CREATE INDEX "idx_pages_run_id_status"
    ON "pages" ("run_id", "status");
CREATE INDEX "idx_institution_domains_institution_id"
    ON "institution_domains" ("institution_id");
CREATE INDEX "idx_suppressions_request"
    ON "suppressions" ("request");
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('index_queue',2);
COMMIT;
