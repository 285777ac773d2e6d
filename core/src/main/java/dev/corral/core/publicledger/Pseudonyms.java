package dev.corral.core.publicledger;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The public journal's names: every account, cluster and idempotency key that would name a
 * user, a cluster or a stake is replaced by a pseudonym, a keyed hash (HMAC-SHA-256) that only
 * the coordinator can compute. The same id always gets the same pseudonym, so the journal still
 * adds up and anyone can verify it, but nothing in it says which account, cluster or device a
 * pseudonym is: the ids the API shows (a device's owner, a cluster's customer) cannot be matched
 * to it. System accounts keep their names.
 * <ul>
 *   <li>{@code user:acc_ID:CUR} becomes {@code user:u_P:CUR}; {@code escrow:clu_ID:CUR}
 *   {@code escrow:c_P:CUR}; {@code stake:stk_ID:IO} {@code stake:s_P:IO}; a cluster id
 *   {@code c_P}. P is 20 hex digits.</li>
 *   <li>An idempotency key becomes {@code k_} and 32 hex digits: unique as the key was, and
 *   meaningless outside (keys name clusters and devices, and customers choose parts of them).</li>
 * </ul>
 * The key is derived from the coordinator's signing key, which it must keep anyway.
 */
public final class Pseudonyms {
    private static final String DOMAIN = "corral-pseudonyms-v1";
    private static final int ID_HEX_DIGITS = 20;
    private static final int KEY_HEX_DIGITS = 32;
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    private Pseudonyms(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::mac);
    }

    /**
     * The pseudonyms of the coordinator holding this Ed25519 signing key: the HMAC key is the
     * SHA-256 of a domain and the key's 32-byte RFC 8032 seed (not of its encoding, which a
     * provider may write otherwise).
     */
    public static Pseudonyms of(PrivateKey coordinatorKey) {
        if (!(coordinatorKey instanceof EdECPrivateKey edKey) || edKey.getBytes().isEmpty()) {
            throw new IllegalArgumentException("not an Ed25519 private key");
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((DOMAIN + "\n").getBytes(UTF_8));
            return new Pseudonyms(digest.digest(edKey.getBytes().get()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private Mac mac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 missing from the JDK", e);
        }
    }

    private String hash(String kind, String value, int digits) {
        byte[] tag = macs.get().doFinal((kind + "\n" + value).getBytes(UTF_8));
        return HEX.formatHex(tag).substring(0, digits);
    }

    /**
     * The pseudonym of an account ({@code acc_}), cluster ({@code clu_}), device ({@code dev_})
     * or stake ({@code stk_}) id; {@code x_} for anything else.
     */
    public String of(String id) {
        int separator = id.indexOf('_');
        String prefix = separator < 0 ? "" : id.substring(0, separator);
        String letter = switch (prefix) {
            case "acc" -> "u";
            case "clu" -> "c";
            case "dev" -> "d";
            case "stk" -> "s";
            default -> "x";
        };
        return letter + "_" + hash(prefix, id, ID_HEX_DIGITS);
    }

    /** A ledger account as the public journal names it; an account named by its pseudonym already stays as it is. */
    public String account(String ledgerAccount) {
        int first = ledgerAccount.indexOf(':');
        int last = ledgerAccount.lastIndexOf(':');
        if (first < 0 || first == last) {
            return ledgerAccount;
        }
        String kind = ledgerAccount.substring(0, first);
        if (!kind.equals("user") && !kind.equals("escrow") && !kind.equals("stake")) {
            return ledgerAccount;
        }
        String owner = ledgerAccount.substring(first + 1, last);
        return isPseudonym(owner) ? ledgerAccount : kind + ":" + of(owner) + ledgerAccount.substring(last);
    }

    /** Whether the text is a pseudonym already (a letter, "_", 20 hex digits): a real id never is. */
    static boolean isPseudonym(String text) {
        if (text.length() != 2 + ID_HEX_DIGITS || text.charAt(1) != '_' || "ucdsx".indexOf(text.charAt(0)) < 0) {
            return false;
        }
        for (int i = 2; i < text.length(); i++) {
            if (Character.digit(text.charAt(i), 16) < 0 || Character.isUpperCase(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** An idempotency key as the public journal shows it. */
    public String idempotencyKey(String key) {
        return "k_" + hash("key", key, KEY_HEX_DIGITS);
    }

    public Transfer publicForm(Transfer t) {
        return new Transfer(idempotencyKey(t.idempotencyKey()), account(t.debitAccount()), account(t.creditAccount()),
                t.amount(), t.kind(), t.clusterId() == null ? null : of(t.clusterId()));
    }

    /** A stored entry as the public journal serves it: its hash was computed over this form. */
    public JournalEntry publicForm(JournalEntry entry) {
        return new JournalEntry(entry.seq(), publicForm(entry.transfer()), entry.createdAtMillis(), entry.prevHash(),
                entry.hash());
    }
}
