package dev.corral.core.api;

/**
 * An image pull under way: how many ranks are pulling, and the bytes their agents have
 * downloaded of the total their engines know so far (layers whose size an engine has not
 * learnt yet are not counted).
 */
public record ImagePull(int ranks, long bytesDone, long bytesTotal) {}
