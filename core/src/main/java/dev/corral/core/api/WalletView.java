package dev.corral.core.api;

import java.util.List;

/**
 * An account's money in every currency: what it holds, what its running clusters hold in
 * escrow, what its devices earned in pay and in IO rewards, and the oracle price it is valued at.
 */
public record WalletView(String accountId, List<Amount> balances, List<Amount> heldInEscrow, List<Amount> earned,
        Amount rewardsIo, OraclePrice ioPrice) {}
