CREATE TABLE "ghost" ("id" serial PRIMARY KEY);
