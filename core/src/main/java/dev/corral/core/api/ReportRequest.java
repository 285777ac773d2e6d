package dev.corral.core.api;

/** The operator reports a customer: kind "abuse" or "dispute", the reason, and optionally the cluster concerned. */
public record ReportRequest(String kind, String reason, String clusterId) {}
