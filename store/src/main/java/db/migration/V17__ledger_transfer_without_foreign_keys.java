package db.migration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Drops the two foreign keys from journal rows to ledger accounts. They checked each row
 * against ledger_account one at a time, which was 60% of the cost of writing a batch of
 * transfers on PostgreSQL; the ledger already reads both accounts of every transfer, under
 * the journal head's lock, before it writes one, and ledger accounts are never deleted. In Java because H2
 * and PostgreSQL name the constraints differently: the names are read from the catalogue.
 */
public final class V17__ledger_transfer_without_foreign_keys extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        List<String> names = new ArrayList<>();
        try (Statement query = c.createStatement();
                ResultSet rows = query.executeQuery("SELECT constraint_name FROM information_schema.table_constraints "
                        + "WHERE LOWER(table_name) = 'ledger_transfer' AND constraint_type = 'FOREIGN KEY' "
                        + "AND table_schema = CURRENT_SCHEMA")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        if (names.size() != 2) {
            throw new IllegalStateException("expected the journal's 2 foreign keys to ledger accounts, found " + names);
        }
        try (Statement drop = c.createStatement()) {
            for (String name : names) {
                drop.execute("ALTER TABLE ledger_transfer DROP CONSTRAINT \"" + name + "\"");
            }
        }
    }
}
