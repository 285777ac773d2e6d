package dev.corral.core.api;

import java.time.Instant;

/** A report the operator made against a customer: ABUSE or DISPUTE (a contested charge upheld), why, and when. */
public record ReportView(String reportId, String accountId, String kind, String reason, String clusterId,
        Instant reportedAt) {}
