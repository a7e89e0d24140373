-- A database made by Quizzer's first schema (migration 0001), with a little data,
-- dumped with sqlite3's iterdump. The migration test loads it and upgrades it.
BEGIN TRANSACTION;
CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO "alembic_version" VALUES('0001');
CREATE TABLE quiz_sessions (
	id INTEGER NOT NULL, 
	user_id INTEGER NOT NULL, 
	kind VARCHAR(20) NOT NULL, 
	mode VARCHAR(20) NOT NULL, 
	seed INTEGER NOT NULL, 
	title VARCHAR(200) NOT NULL, 
	settings JSON NOT NULL, 
	"plan" JSON NOT NULL, 
	started_at DATETIME NOT NULL, 
	ended_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
INSERT INTO "quiz_sessions" VALUES(1,1,'quiz','practice',42,'','{"count": 2, "numeric": true}','[{"question_id": "Q1", "family": null, "seed": null}, {"question_id": "Q1", "family": "perceptron_output", "seed": 7}]','2026-10-01 09:01:00.000000','2026-10-01 09:10:00.000000');
INSERT INTO "quiz_sessions" VALUES(2,2,'quiz','exam',43,'','{"count": 1}','[{"question_id": "Q7", "family": null, "seed": null}]','2026-10-02 10:01:00.000000',NULL);
CREATE TABLE responses (
	id INTEGER NOT NULL, 
	session_id INTEGER NOT NULL, 
	user_id INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	question_id VARCHAR(40) NOT NULL, 
	family VARCHAR(60), 
	variant_seed INTEGER, 
	content_hash VARCHAR(40) NOT NULL, 
	answer TEXT NOT NULL, 
	score FLOAT NOT NULL, 
	max_score FLOAT NOT NULL, 
	criteria JSON NOT NULL, 
	feedback TEXT NOT NULL, 
	skipped BOOLEAN NOT NULL, 
	seconds FLOAT NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(session_id) REFERENCES quiz_sessions (id) ON DELETE CASCADE, 
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
INSERT INTO "responses" VALUES(1,1,1,0,'Q1',NULL,NULL,'oldhash0001','XOR is not linearly separable.',1.0,2.0,'[{"id": "xor-not-separable", "awarded": 1, "max": 1}]','1/2 marks.',0,42.5,'2026-10-01 09:05:00.000000');
INSERT INTO "responses" VALUES(2,1,1,1,'Q1','perceptron_output',7,'oldhash0001','1',1.0,1.0,'[]','Correct.',0,10.0,'2026-10-01 09:09:00.000000');
CREATE TABLE users (
	id INTEGER NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
INSERT INTO "users" VALUES(1,'amara','2026-10-01 09:00:00.000000');
INSERT INTO "users" VALUES(2,'bo','2026-10-02 10:00:00.000000');
CREATE INDEX ix_quiz_sessions_user_id ON quiz_sessions (user_id);
CREATE INDEX ix_responses_user_created ON responses (user_id, created_at);
CREATE UNIQUE INDEX ix_responses_session_position ON responses (session_id, position);
CREATE INDEX ix_responses_question ON responses (question_id);
COMMIT;
