package dev.corral.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Currency;
import dev.corral.core.Json;
import dev.corral.core.Money;
import dev.corral.core.Sha256;
import dev.corral.core.auth.AgentSignature;
import dev.corral.core.merkle.MerkleTree;
import dev.corral.core.publicledger.BalanceTree;
import dev.corral.core.publicledger.EpochRecord;
import dev.corral.core.publicledger.JournalEntry;
import dev.corral.core.publicledger.Transfer;
import dev.corral.core.publicledger.TransferKind;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Known answers for the public ledger's formats, as docs/ledger-format.md lists them. Every
 * expected value was computed from that document alone, with Python (hashlib, and the
 * cryptography package for Ed25519; the script is in the document), not with this code: if one
 * fails, the code and the published format disagree.
 *
 * <p>The vectors are one small but complete ledger: four journal entries (genesis, a deposit, an
 * escrow hold for a cluster, epoch 0's block) and the signed record of epoch 0 over them, which
 * {@link LedgerAudit} accepts.
 */
class LedgerFormatVectorsTest {
    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    static final String USER = "user:acc_0123456789abcdef0123:USD";
    static final String CLUSTER = "clu_00112233445566778899";
    static final String ESCROW = "escrow:" + CLUSTER + ":USD";
    static final long BLOCK_0 = 4_583_115_836_536L;
    static final long MINTED_0 = 500_004_583_115_836_536L;

    static final List<Transfer> TRANSFERS = List.of(
            new Transfer("genesis:community", "system:mint:IO", "system:genesis:community:IO",
                    new Money(500_000_000_000_000_000L, Currency.IO), TransferKind.GENESIS, null),
            new Transfer("credit:order-0001", "system:external:USD", USER, new Money(25_000_000, Currency.USD),
                    TransferKind.DEPOSIT, null),
            new Transfer("hold:" + CLUSTER, USER, ESCROW, new Money(10_000_000, Currency.USD), TransferKind.ESCROW_HOLD,
                    CLUSTER),
            new Transfer("epoch:0:UNCLAIMED_REWARD:system:genesis:community:IO", "system:mint:IO",
                    "system:genesis:community:IO", new Money(BLOCK_0, Currency.IO), TransferKind.UNCLAIMED_REWARD, null));
    static final List<Long> CREATED_AT = List.of(T0, T0 + 60_000, T0 + 120_000, T0 + 3_600_005);
    static final List<String> ENTRY_HASHES = List.of(
            "1d8b00199a1b5a05832491cd3f474ecee8f1166ee7e8661c5a474af51935a3db",
            "1b1ca30e48249fe1c149754fc4cabdf6a4a43f3a7d76c58930bbeb8b6e339c78",
            "c0ab48017eba8b573953e55fc2c2a5fd9b0ec21f7b63644508b88fa28a49ad06",
            "d4da248d5bb8387f0c65526fbc4d0b02f2185119f7093f60aef96ce3d7c77a6f");

    static final String BALANCE_ROOT = "f76e667aa8a271fe98327827c147afb09c11ffc72cb4456bda932acbee45ef66";
    static final String SIGNING_TEXT = "corral-epoch-v1\n0\n1767225600000\n1767229200000\n4\n"
            + "d4da248d5bb8387f0c65526fbc4d0b02f2185119f7093f60aef96ce3d7c77a6f\n4583115836536\n500004583115836536\n0\n"
            + "500004583115836536\nf76e667aa8a271fe98327827c147afb09c11ffc72cb4456bda932acbee45ef66\n5";
    static final String SIGNATURE = "c3YHiZC0RSItMvKM5WVxNILb80P82/Ho0z0S970ijBPSX34nz2UXZNjNBRl24BnOp1tLrT0uc9Epd+yr3LuGDA==";
    /** RFC 8032 section 7.1, TEST 1: the 32-byte private key (seed) wrapped in PKCS#8, as coordinator.key holds it. */
    static final String PRIVATE_KEY_PKCS8 =
            "302e020100300506032b6570042204209d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    /** Its public key as GET /api/v1/ledger/key publishes it: base64 of the X.509 SubjectPublicKeyInfo. */
    static final String PUBLIC_KEY = "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

    @Test
    void journalEntryHashes() {
        assertThat(JournalEntry.GENESIS_HASH).isEqualTo("0".repeat(64));
        assertThat(JournalEntry.hashOf(1, TRANSFERS.get(0), T0, JournalEntry.GENESIS_HASH)).isEqualTo(ENTRY_HASHES.get(0));
        assertThat(Sha256.hex("corral-journal-v1\n1\n" + "0".repeat(64) + "\ngenesis:community\nsystem:mint:IO\n"
                + "system:genesis:community:IO\n500000000000000000\nIO\nGENESIS\n-\n1767225600000"))
                .as("entry 1 from its documented preimage").isEqualTo(ENTRY_HASHES.get(0));
        // With a cluster id (entry 3), the id itself takes the place of "-".
        assertThat(JournalEntry.hashOf(3, TRANSFERS.get(2), T0 + 120_000, ENTRY_HASHES.get(1)))
                .isEqualTo(ENTRY_HASHES.get(2));
    }

    @Test
    void aChainOfEntries() {
        List<JournalEntry> journal = journal();
        for (int i = 0; i < journal.size(); i++) {
            assertThat(journal.get(i).seq()).isEqualTo(i + 1);
            assertThat(journal.get(i).prevHash()).as("entry %d", i + 1)
                    .isEqualTo(i == 0 ? JournalEntry.GENESIS_HASH : ENTRY_HASHES.get(i - 1));
            assertThat(journal.get(i).hash()).as("entry %d", i + 1).isEqualTo(ENTRY_HASHES.get(i));
        }
    }

    @Test
    void balanceTreeLeavesRootAndProofs() {
        List<BalanceTree.Leaf> leaves = LedgerAudit.leaves(balances());
        assertThat(leaves).containsExactly(
                new BalanceTree.Leaf(ESCROW, "USD", 10_000_000),
                new BalanceTree.Leaf("system:external:USD", "USD", -25_000_000),
                new BalanceTree.Leaf("system:genesis:community:IO", "IO", MINTED_0),
                new BalanceTree.Leaf("system:mint:IO", "IO", -MINTED_0),
                new BalanceTree.Leaf(USER, "USD", 15_000_000));
        assertThat(leaves.stream().map(BalanceTree.Leaf::hash).toList()).containsExactly(
                "dd7db7267f26997d917c06c29fa92d3336629e890f434d35614fc0a97b5aed79",
                "dbee39aae7cc083f465b6394c59020f781b281705476f79d758e53fff7c3f85e",
                "c9768d7a704cd8bafdf0c1349a2fe2e47a9301e76033d9775d100ac89f8cb618",
                "b818d4f0f538f297b618c57ef18116929ab26cb8f4f448971129161050df8242",
                "992e1f4ded999869972a3bb2cdfc20b698eb76b6af553f6538456c8d4c012552");
        assertThat(Sha256.hex("corral-balance-v1\nsystem:external:USD\nUSD\n-25000000"))
                .as("a negative balance's leaf from its documented preimage")
                .isEqualTo("dbee39aae7cc083f465b6394c59020f781b281705476f79d758e53fff7c3f85e");
        assertThat(BalanceTree.root(leaves)).isEqualTo(BALANCE_ROOT);
        assertThat(BalanceTree.Tree.of(leaves).root()).isEqualTo(BALANCE_ROOT);
        assertThat(BalanceTree.root(List.of()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(BalanceTree.root(leaves.subList(0, 1)))
                .isEqualTo("dd7db7267f26997d917c06c29fa92d3336629e890f434d35614fc0a97b5aed79");

        assertThat(BalanceTree.proof(leaves, 4)).containsExactly(
                new MerkleTree.Step("70b98f60132f39f6c9d025c28dd08ceb1f86ee29fc120d38a96a6fdb2b1d210a", true));
        assertThat(BalanceTree.proof(leaves, 2)).containsExactly(
                new MerkleTree.Step("b818d4f0f538f297b618c57ef18116929ab26cb8f4f448971129161050df8242", false),
                new MerkleTree.Step("1e2e47271aa5260e0ebd609a4344e1a67273e2215033ed65d8bc475523cc606d", true),
                new MerkleTree.Step("992e1f4ded999869972a3bb2cdfc20b698eb76b6af553f6538456c8d4c012552", false));
        assertThat(new BalanceTree.Proof(0, leaves.get(2), BalanceTree.proof(leaves, 2), BALANCE_ROOT).holds()).isTrue();
    }

    @Test
    void epochRecordSigningTextHashAndSignature() throws Exception {
        EpochRecord unsigned = unsignedRecord();
        assertThat(unsigned.canonical()).isEqualTo(SIGNING_TEXT);
        assertThat(Sha256.hex(unsigned.canonical()))
                .isEqualTo("e5859067eacd9823930f3730a7038584b0f90e1c23aa0d0d9d25e7ff6903011e");

        EpochRecord signed = unsigned.signedWith(privateKey());
        assertThat(signed.signature()).isEqualTo(SIGNATURE);
        assertThat(HexFormat.of().formatHex(Base64.getDecoder().decode(signed.signature()))).isEqualTo(
                "7376078990b445222d32f28ce565713482dbf343fcdbf1e8d33d12f7bd228c13"
                        + "d25f7e27cf651764d8cd051976e019cea75b4bad3d2e73d12977ecabdcbb860c");
        PublicKey key = AgentSignature.decodePublicKey(PUBLIC_KEY);
        assertThat(HexFormat.of().formatHex(key.getEncoded())).isEqualTo(
                "302a300506032b6570032100d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        assertThat(signed.signatureValid(key)).isTrue();
        assertThat(new EpochRecord(0, T0, T0 + 3_600_000, 4, ENTRY_HASHES.get(3), BLOCK_0, MINTED_0, 0, MINTED_0,
                BALANCE_ROOT, 6, SIGNATURE).signatureValid(key)).as("one field changed").isFalse();
    }

    @Test
    void theEmissionScheduleAnswers() {
        assertThat(EmissionSchedule.blockEmission(0)).isEqualTo(BLOCK_0);
        assertThat(EmissionSchedule.blockEmission(729)).isEqualTo(4_583_115_836_536L);
        assertThat(EmissionSchedule.blockEmission(730)).isEqualTo(4_536_368_055_004L);
        assertThat(EmissionSchedule.blockEmission(8_759)).isEqualTo(4_094_329_384_249L);
        assertThat(EmissionSchedule.blockEmission(175_199)).isEqualTo(395_367_765_830L);
        assertThat(EmissionSchedule.blockEmission(175_200)).isZero();
        assertThat(EmissionSchedule.emittedThrough(730)).isEqualTo(3_345_674_560_671_373L);
        assertThat(EmissionSchedule.emittedThrough(8_759)).isEqualTo(37_966_541_627_948_925L);
        assertThat(EmissionSchedule.supplyAfter(1)).isEqualTo(MINTED_0);
        assertThat(EmissionSchedule.supplyAfter(175_200)).isEqualTo(800_000_000_000_000_000L);
        assertThat(EmissionSchedule.firstMonthIo().toPlainString())
                .isEqualTo("3345674.56067137385205911799764378720148062073974145542681844");
    }

    @Test
    void everyBlockOfTheEmissionSchedule() {
        StringBuilder blocks = new StringBuilder();
        for (long block = 0; block < EmissionSchedule.BLOCKS; block++) {
            blocks.append(block == 0 ? "" : "\n").append(EmissionSchedule.blockEmission(block));
        }
        assertThat(Sha256.hex(blocks.toString()))
                .as("SHA-256 of the 175,200 block emissions in decimal, one a line, no final newline")
                .isEqualTo("8f92bf1c1f684f191a27d9c36e71c4d8fb4717f9f298efcda813f9064e166ff8");
    }

    @Test
    void theWholeExampleLedgerVerifies() throws Exception {
        EpochRecord record = unsignedRecord().signedWith(privateKey());
        LedgerAudit.Report report = LedgerAudit.verify(journal(), List.of(record),
                AgentSignature.decodePublicKey(PUBLIC_KEY));
        assertThat(report.problem()).isEmpty();
        assertThat(report.entriesChecked()).isEqualTo(4);
        assertThat(report.epochsChecked()).isEqualTo(1);
    }

    @Test
    void whatTheAuditSaysAtEachKindOfDiscrepancy() throws Exception {
        PublicKey key = AgentSignature.decodePublicKey(PUBLIC_KEY);
        EpochRecord record = unsignedRecord().signedWith(privateKey());
        List<JournalEntry> journal = journal();

        List<JournalEntry> changed = new ArrayList<>(journal);
        Transfer t = journal.get(1).transfer();
        changed.set(1, new JournalEntry(2, new Transfer(t.idempotencyKey(), t.debitAccount(), t.creditAccount(),
                new Money(25_000_001, Currency.USD), t.kind(), null), T0 + 60_000, ENTRY_HASHES.get(0), ENTRY_HASHES.get(1)));
        assertThat(problem(changed, List.of(record), key))
                .isEqualTo("journal entry 2: its content does not match its hash (it was changed)");

        List<JournalEntry> dropped = new ArrayList<>(journal);
        dropped.remove(1);
        assertThat(problem(dropped, List.of(record), key))
                .isEqualTo("journal entry 2: has position 3, expected 2 (an entry was dropped, added or reordered)");

        EpochRecord forged = new EpochRecord(0, T0, T0 + 7_200_000, 4, ENTRY_HASHES.get(3), BLOCK_0, MINTED_0, 0,
                MINTED_0, BALANCE_ROOT, 5, SIGNATURE);
        assertThat(problem(journal, List.of(forged), key))
                .isEqualTo("epoch 0: the coordinator's signature does not match the record");

        assertThat(problem(journal.subList(0, 3), List.of(record), key))
                .isEqualTo("epoch 0: points at journal position 4 past the journal's end");

        // Restarted with half the epoch length: epoch 1 would be minted half an hour in, not an hour.
        EpochRecord faster = new EpochRecord(1, T0 + 3_600_000, T0 + 5_400_000, 4, ENTRY_HASHES.get(3), BLOCK_0,
                MINTED_0, 0, MINTED_0, BALANCE_ROOT, 5, null).signedWith(privateKey());
        assertThat(problem(journal, List.of(record, faster), key)).isEqualTo("epoch 1: its window [" + (T0 + 3_600_000)
                + ", " + (T0 + 5_400_000) + ") is not epoch 1 of the network's schedule (epochs of 3600000 ms from " + T0
                + "): the epoch length or the genesis changed, and with it the pace of emission");
        EpochRecord rewound = new EpochRecord(1, T0, T0 + 3_600_000, 4, ENTRY_HASHES.get(3), BLOCK_0,
                MINTED_0, 0, MINTED_0, BALANCE_ROOT, 5, null).signedWith(privateKey());
        assertThat(problem(journal, List.of(record, rewound), key)).startsWith("epoch 1: its window [" + T0 + ", ");
    }

    @Test
    void theJsonTheCoordinatorPublishes() throws Exception {
        List<JournalEntry> journal = journal();
        String entry1 = "{\"seq\":1,\"transfer\":{\"idempotencyKey\":\"genesis:community\",\"debitAccount\":\"system:mint:IO\","
                + "\"creditAccount\":\"system:genesis:community:IO\",\"amount\":{\"minor\":500000000000000000,\"currency\":\"IO\"},"
                + "\"kind\":\"GENESIS\"},\"createdAtMillis\":1767225600000,"
                + "\"prevHash\":\"0000000000000000000000000000000000000000000000000000000000000000\","
                + "\"hash\":\"1d8b00199a1b5a05832491cd3f474ecee8f1166ee7e8661c5a474af51935a3db\"}";
        String entry3 = "{\"seq\":3,\"transfer\":{\"idempotencyKey\":\"hold:clu_00112233445566778899\","
                + "\"debitAccount\":\"user:acc_0123456789abcdef0123:USD\",\"creditAccount\":\"escrow:clu_00112233445566778899:USD\","
                + "\"amount\":{\"minor\":10000000,\"currency\":\"USD\"},\"kind\":\"ESCROW_HOLD\","
                + "\"clusterId\":\"clu_00112233445566778899\"},\"createdAtMillis\":1767225720000,"
                + "\"prevHash\":\"1b1ca30e48249fe1c149754fc4cabdf6a4a43f3a7d76c58930bbeb8b6e339c78\","
                + "\"hash\":\"c0ab48017eba8b573953e55fc2c2a5fd9b0ec21f7b63644508b88fa28a49ad06\"}";
        assertThat(Json.mapper().writeValueAsString(journal.get(0))).isEqualTo(entry1);
        assertThat(Json.mapper().writeValueAsString(journal.get(2))).isEqualTo(entry3);
        assertThat(Json.readAnswer(entry3.getBytes(StandardCharsets.UTF_8), JournalEntry.class)).isEqualTo(journal.get(2));

        EpochRecord record = unsignedRecord().signedWith(privateKey());
        String recordJson = "{\"epoch\":0,\"startsAtMillis\":1767225600000,\"endsAtMillis\":1767229200000,\"journalSeq\":4,"
                + "\"journalHead\":\"d4da248d5bb8387f0c65526fbc4d0b02f2185119f7093f60aef96ce3d7c77a6f\","
                + "\"blockEmission\":4583115836536,\"minted\":500004583115836536,\"burned\":0,\"supply\":500004583115836536,"
                + "\"balanceRoot\":\"f76e667aa8a271fe98327827c147afb09c11ffc72cb4456bda932acbee45ef66\",\"balances\":5,"
                + "\"signature\":\"" + SIGNATURE + "\"}";
        assertThat(Json.mapper().writeValueAsString(record)).isEqualTo(recordJson);
        assertThat(Json.readAnswer(recordJson.getBytes(StandardCharsets.UTF_8), EpochRecord.class)).isEqualTo(record);

        List<BalanceTree.Leaf> leaves = LedgerAudit.leaves(balances());
        BalanceTree.Proof proof = new BalanceTree.Proof(0, leaves.get(4), BalanceTree.proof(leaves, 4), BALANCE_ROOT);
        String proofJson = "{\"epoch\":0,\"leaf\":{\"account\":\"user:acc_0123456789abcdef0123:USD\",\"currency\":\"USD\","
                + "\"balance\":15000000},\"steps\":[{\"sibling\":\"70b98f60132f39f6c9d025c28dd08ceb1f86ee29fc120d38a96a6fdb2b1d210a\","
                + "\"siblingOnLeft\":true}],\"root\":\"" + BALANCE_ROOT + "\"}";
        assertThat(Json.mapper().writeValueAsString(proof)).isEqualTo(proofJson);
        assertThat(Json.readAnswer(proofJson.getBytes(StandardCharsets.UTF_8), BalanceTree.Proof.class)).isEqualTo(proof);
    }

    private static List<JournalEntry> journal() {
        List<JournalEntry> journal = new ArrayList<>();
        String prev = JournalEntry.GENESIS_HASH;
        for (int i = 0; i < TRANSFERS.size(); i++) {
            JournalEntry entry = JournalEntry.chain(i + 1, TRANSFERS.get(i), CREATED_AT.get(i), prev);
            journal.add(entry);
            prev = entry.hash();
        }
        return journal;
    }

    private static Map<String, Long> balances() {
        Map<String, Long> balances = new HashMap<>();
        for (Transfer t : TRANSFERS) {
            balances.merge(t.debitAccount(), -t.amount().minor(), Long::sum);
            balances.merge(t.creditAccount(), t.amount().minor(), Long::sum);
        }
        return balances;
    }

    private static EpochRecord unsignedRecord() {
        return new EpochRecord(0, T0, T0 + 3_600_000, 4, ENTRY_HASHES.get(3), BLOCK_0, MINTED_0, 0, MINTED_0,
                BALANCE_ROOT, 5, null);
    }

    private static PrivateKey privateKey() throws Exception {
        return KeyFactory.getInstance("Ed25519").generatePrivate(
                new PKCS8EncodedKeySpec(HexFormat.of().parseHex(PRIVATE_KEY_PKCS8)));
    }

    private static String problem(List<JournalEntry> journal, List<EpochRecord> epochs, PublicKey key) {
        return LedgerAudit.verify(journal, epochs, key).problem().map(LedgerAudit.Problem::toString).orElse("none");
    }
}
