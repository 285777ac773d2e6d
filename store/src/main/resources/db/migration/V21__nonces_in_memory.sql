-- Agent request nonces are kept in the coordinator's memory for as long as their requests'
-- timestamps are accepted (ReplayGuard); a restart refuses requests signed before it.
DROP TABLE agent_nonce;
