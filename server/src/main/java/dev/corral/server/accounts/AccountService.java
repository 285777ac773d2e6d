package dev.corral.server.accounts;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.core.ClusterId;
import dev.corral.core.Currency;
import dev.corral.core.Ids;
import dev.corral.core.Money;
import dev.corral.core.api.AccountCreated;
import dev.corral.core.api.AccountView;
import dev.corral.core.api.ApiKeyView;
import dev.corral.core.api.Amount;
import dev.corral.core.api.ReportRequest;
import dev.corral.core.api.ReportView;
import dev.corral.core.api.TransferView;
import dev.corral.core.publicledger.Transfer;
import dev.corral.core.publicledger.TransferKind;
import dev.corral.ledger.LedgerAccounts;
import dev.corral.scheduler.CustomerDiscount;
import dev.corral.server.Refusal;
import dev.corral.store.AccountRow;
import dev.corral.store.Accounts;
import dev.corral.store.ApiKeys;
import dev.corral.store.Clusters;
import dev.corral.store.CustomerReports;
import dev.corral.store.Database;
import dev.corral.store.Ledger;
import dev.corral.store.Settings;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Accounts, their API keys, the admin key, the admin's credits and what an account may see of the ledger. */
public final class AccountService {
    static final String ADMIN_KEY_SETTING = "admin_key_hash";
    static final int TRANSFERS_LIMIT_MAX = 500;
    /** The most API keys an account may hold besides the one it was made with. */
    static final int API_KEYS_MAX = 20;
    static final int API_KEY_LABEL_LENGTH_MAX = 64;
    static final String OTHER_USER = "user:(another account)";
    static final int IDEMPOTENCY_KEY_LENGTH_MAX = 100;
    /** Reports against a customer listed in its account view, newest first. */
    static final int REPORTS_LISTED_MAX = 20;
    static final int REPORT_REASON_LENGTH_MAX = 500;
    static final String REPORT_PREFIX = "rpt";
    private static final Map<String, String> REPORT_KINDS = new TreeMap<>(Map.of("abuse", CustomerReports.ABUSE,
            "dispute", CustomerReports.DISPUTE));
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9_.:-]{1," + IDEMPOTENCY_KEY_LENGTH_MAX + "}");

    private final Database db;
    private final Accounts accounts;
    private final Clusters clusters;
    private final Ledger ledger;
    private final Settings settings;
    private final CustomerReports customerReports;
    private final Clock clock;
    private final CustomerHistory history;
    private final ApiKeys apiKeys;

    public AccountService(Database db, Accounts accounts, ApiKeys apiKeys, Clusters clusters, Ledger ledger,
            Settings settings, CustomerReports customerReports, Clock clock) {
        this.db = requireNonNull(db, "db is null");
        this.accounts = requireNonNull(accounts, "accounts is null");
        this.apiKeys = requireNonNull(apiKeys, "apiKeys is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.customerReports = requireNonNull(customerReports, "customerReports is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.history = new CustomerHistory(clusters, customerReports);
    }

    /** Sets the admin key from configuration, or makes one on first start; returns a key made now, if any. */
    public Optional<String> initAdminKey(String configured) {
        return db.transaction(c -> {
            ledger.requireChained(c);
            ledger.openSystemAccounts(c, clock.instant());
            if (configured != null) {
                if (configured.length() < 16) {
                    throw new IllegalArgumentException("the admin key must be at least 16 characters");
                }
                settings.put(c, ADMIN_KEY_SETTING, Secrets.hash(configured));
                return Optional.empty();
            }
            if (settings.get(c, ADMIN_KEY_SETTING).isPresent()) {
                return Optional.empty();
            }
            String key = Secrets.newSecret("cadm");
            settings.put(c, ADMIN_KEY_SETTING, Secrets.hash(key));
            return Optional.of(key);
        });
    }

    public AccountCreated create(String name, String referralCode) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw Refusal.invalid("name must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
        AccountId id = AccountId.random();
        String apiKey = Secrets.newSecret("ck");
        String code = db.transaction(c -> {
            AccountId referrer = null;
            if (referralCode != null) {
                referrer = accounts.byReferralCode(c, referralCode).map(AccountRow::id).orElseThrow(() ->
                        Refusal.invalid("unknown referral code '" + referralCode + "'"));
            }
            accounts.create(c, id, name, Secrets.hash(apiKey), clock.instant(), referrer);
            return accounts.byId(c, id).orElseThrow().referralCode();
        });
        return new AccountCreated(id.value(), name, apiKey, code);
    }

    /** The account the key belongs to: the key it was made with, or one it made since and has not revoked. */
    public Optional<AccountId> authenticate(String apiKey) {
        String hash = Secrets.hash(apiKey);
        return db.transaction(c -> {
            Optional<AccountId> first = accounts.byApiKeyHash(c, hash).map(AccountRow::id);
            return first.isPresent() ? first : apiKeys.accountOf(c, hash);
        });
    }

    /** Makes another API key for the account, shown in this answer only; at most {@link #API_KEYS_MAX} besides the first. */
    public ApiKeyView createKey(AccountId account, String label) {
        if (label == null || label.isBlank() || label.length() > API_KEY_LABEL_LENGTH_MAX) {
            throw Refusal.invalid("label must be 1-" + API_KEY_LABEL_LENGTH_MAX + " characters");
        }
        String key = Secrets.newSecret("ck");
        ApiKeys.Key made = new ApiKeys.Key(Ids.random("key"), account, label.strip(), clock.instant());
        db.transaction(c -> {
            accounts.lock(c, account);
            if (apiKeys.count(c, account) >= API_KEYS_MAX) {
                throw Refusal.conflict("an account may hold " + API_KEYS_MAX + " keys besides its first: revoke one first");
            }
            apiKeys.insert(c, Secrets.hash(key), made);
            return null;
        });
        return new ApiKeyView(made.keyId(), made.label(), made.createdAt(), key);
    }

    /** The keys the account made besides its first, oldest first, without the keys themselves. */
    public List<ApiKeyView> keys(AccountId account) {
        return db.transaction(c -> apiKeys.of(c, account)).stream()
                .map(k -> new ApiKeyView(k.keyId(), k.label(), k.createdAt(), null)).toList();
    }

    /** Revokes one of the account's keys: it authenticates nothing from now on. Another account's key is not found. */
    public void revokeKey(AccountId account, String keyId) {
        if (!db.transaction(c -> apiKeys.delete(c, account, String.valueOf(keyId)))) {
            throw Refusal.notFound("API key", String.valueOf(keyId));
        }
    }

    public boolean isAdmin(String key) {
        String hash = Secrets.hash(key);
        return db.transaction(c -> settings.get(c, ADMIN_KEY_SETTING)).map(hash::equals).orElse(false);
    }

    public AccountView view(AccountId account) {
        return db.transaction(c -> {
            var row = accounts.byId(c, account).orElseThrow(() -> Refusal.notFound("account", account.value()));
            String wallet = LedgerAccounts.user(account, Currency.USD);
            CustomerDiscount.History history = this.history.of(c, account);
            CustomerDiscount.Tier tier = CustomerDiscount.tier(history);
            return new AccountView(account.value(), row.name(),
                    Amount.of(ledger.balance(c, wallet, Currency.USD)),
                    Amount.of(clusters.heldInEscrow(c, account, Currency.USD)),
                    Amount.of(ledger.earned(c, wallet, Currency.USD)), row.referralCode(),
                    Amount.of(ledger.creditedOfKind(c, wallet, Currency.USD, TransferKind.REFERRAL_REWARD)),
                    CustomerDiscount.reputation(history), tier.name(), tier.basisPoints() / 100.0,
                    history.clustersRunToEnd(), customerReports.of(c, account, REPORTS_LISTED_MAX).stream()
                            .map(AccountService::view).toList());
        });
    }

    /**
     * The operator reports a customer: abuse (its workload broke the rules) or a dispute it lost
     * (a charge it contested was upheld). Either lowers its reputation ({@link CustomerDiscount}).
     */
    public ReportView report(String accountId, ReportRequest request) {
        if (accountId == null || !Ids.looksLike(accountId, AccountId.PREFIX)) {
            throw Refusal.notFound("account", String.valueOf(accountId));
        }
        AccountId account = new AccountId(accountId);
        String kind = request.kind() == null ? null : REPORT_KINDS.get(request.kind().toLowerCase(Locale.ROOT));
        if (kind == null) {
            throw Refusal.invalid("kind must be one of " + REPORT_KINDS.keySet());
        }
        String reason = request.reason() == null ? "" : request.reason().strip();
        if (reason.isEmpty() || reason.length() > REPORT_REASON_LENGTH_MAX) {
            throw Refusal.invalid("reason must say what happened, 1.." + REPORT_REASON_LENGTH_MAX + " characters");
        }
        CustomerReports.Report report = new CustomerReports.Report(Ids.random(REPORT_PREFIX), account, kind, reason,
                request.clusterId(), clock.instant());
        db.transaction(c -> {
            accounts.byId(c, account).orElseThrow(() -> Refusal.notFound("account", accountId));
            if (request.clusterId() != null && (!Ids.looksLike(request.clusterId(), ClusterId.PREFIX)
                    || clusters.owned(c, account, new ClusterId(request.clusterId())).isEmpty())) {
                throw Refusal.invalid("cluster " + request.clusterId() + " is not one of account " + accountId
                        + "'s clusters");
            }
            customerReports.insert(c, report);
            return null;
        });
        return view(report);
    }

    private static ReportView view(CustomerReports.Report report) {
        return new ReportView(report.id(), report.account().value(), report.kind(), report.reason(), report.clusterId(),
                report.reportedAt());
    }

    /** The admin adds money from outside; a repeated idempotency key credits once. */
    public AccountView credit(String accountId, String amountText, String idempotencyKey) {
        if (accountId == null || !Ids.looksLike(accountId, AccountId.PREFIX)) {
            throw Refusal.notFound("account", String.valueOf(accountId));
        }
        AccountId account = new AccountId(accountId);
        Money amount = Money.parse("amountUsd", amountText, Currency.USD);
        if (amount.minor() == 0) {
            throw Refusal.invalid("amount must be more than zero");
        }
        String key = "credit:" + requestKey(idempotencyKey);
        db.transaction(c -> {
            accounts.byId(c, account).orElseThrow(() -> Refusal.notFound("account", accountId));
            ledger.apply(c, List.of(new Transfer(key, LedgerAccounts.external(Currency.USD),
                    LedgerAccounts.user(account, Currency.USD), amount, TransferKind.DEPOSIT, null)), clock.instant());
            return null;
        });
        return view(account);
    }

    public List<TransferView> transfers(AccountId account, int limit) {
        if (limit < 1 || limit > TRANSFERS_LIMIT_MAX) {
            throw Refusal.invalid("limit must be 1.." + TRANSFERS_LIMIT_MAX);
        }
        String wallet = LedgerAccounts.user(account, Currency.USD);
        return db.transaction(c -> ledger.entriesOfOwner(c, account, Currency.USD, limit)).stream()
                .map(entry -> view(entry, wallet)).toList();
    }

    public static Optional<String> validIdempotencyKey(String key) {
        if (key == null) {
            return Optional.empty();
        }
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw Refusal.invalid("Idempotency-Key must be 1-" + IDEMPOTENCY_KEY_LENGTH_MAX
                    + " letters, digits, '_', '.', ':' or '-'");
        }
        return Optional.of(key);
    }

    /** The caller's Idempotency-Key if it sent a valid one, or a fresh key: then a retry is a new request. */
    public static String requestKey(String idempotencyKey) {
        return validIdempotencyKey(idempotencyKey).orElseGet(() -> Secrets.newSecret("auto"));
    }

    /**
     * A transfer as this account may see it: another user's wallet is shown as {@link #OTHER_USER}, so
     * a customer paying suppliers never learns which accounts own the devices it ran on.
     */
    private static TransferView view(Ledger.Entry entry, String wallet) {
        Transfer t = entry.transfer();
        return new TransferView(entry.seq(), t.kind().name(), redact(t.debitAccount(), wallet),
                redact(t.creditAccount(), wallet), Amount.of(t.amount()), t.clusterId(), entry.createdAt());
    }

    private static String redact(String ledgerAccount, String wallet) {
        return ledgerAccount.startsWith("user:") && !ledgerAccount.equals(wallet) ? OTHER_USER : ledgerAccount;
    }
}
