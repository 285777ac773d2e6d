package dev.corral.ledger;

/** Why money moved. */
public enum TransferKind {
    /** Money entering from outside (the admin's credit, standing in for a payment processor). */
    DEPOSIT,
    /** A customer's balance held in a cluster's escrow, at deploy or extension. */
    ESCROW_HOLD,
    /** A supplier's pay for the device-seconds its device served, after the network fee. */
    SUPPLIER_PAYMENT,
    /** The network's share of a payment. */
    NETWORK_FEE,
    /** Escrow not spent, returned to the customer to the second. */
    REFUND,
    /** IO created at genesis for its first holders. */
    GENESIS,
    /** A block's IO paid to devices that were online and able to take work for the whole epoch. */
    AVAILABILITY_REWARD,
    /** A block's IO paid to suppliers in proportion to the USD value of the compute they sold in the epoch. */
    COMPUTE_REWARD,
    /** A block's IO that no device earned, kept by the community allocation. */
    UNCLAIMED_REWARD,
    /** IO destroyed: sent to the burn account, which nothing ever debits. */
    BURN,
    /** IOSD created, 1:1 to the USD value of IO burned for it at the oracle price. */
    IOSD_MINT,
    /** The IO share of a supplier's pay, paid to the market maker for IO that is then burned. */
    BUYBACK,
    /** Community IO moved to the market maker so buy-backs have IO to buy. */
    MARKET_MAKER_FUNDING,
    /** A staker's share of the rewards of the participant it stakes on. */
    STAKER_REWARD,
    /** IO locked as stake on a participant. */
    STAKE,
    /** Stake returned to its staker after the cool-down. */
    UNSTAKE
}
