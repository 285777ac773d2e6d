package dev.corral.core.api;

/** The body of every 4xx and 5xx answer: a stable code and a message that says what to do. */
public record ApiError(String error, String message) {}
