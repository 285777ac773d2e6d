package dev.corral.core;

/** The id of a account, "acc_" followed by 20 hex digits. */
public record AccountId(String value) {
    public static final String PREFIX = "acc";

    public AccountId {
        Ids.validate(value, PREFIX, "account");
    }

    public static AccountId random() {
        return new AccountId(Ids.random(PREFIX));
    }

    @Override
    public String toString() {
        return value;
    }
}
