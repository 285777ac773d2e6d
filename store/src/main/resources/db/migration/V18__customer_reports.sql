-- What the operator found against a customer: ABUSE (its workload broke the rules) or DISPUTE (a charge it contested
-- was upheld), with the reason, and the cluster concerned if any. Never deleted: the customer's reputation reads them.
CREATE TABLE customer_report (
    id           VARCHAR(32)  PRIMARY KEY,
    account_id   VARCHAR(32)  NOT NULL REFERENCES account (id),
    kind         VARCHAR(16)  NOT NULL,
    reason       VARCHAR(500) NOT NULL,
    cluster_id   VARCHAR(32),
    reported_at  BIGINT       NOT NULL
);
CREATE INDEX customer_report_account ON customer_report (account_id, reported_at);
