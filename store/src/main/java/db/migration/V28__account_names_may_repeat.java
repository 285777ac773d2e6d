package db.migration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * An account's name becomes a display name that others may share: a sign-up refused for a
 * name taken told anyone whether an account of that name existed. The unique constraint was
 * declared inline, so its name is the database's own choice (H2's and PostgreSQL's differ): it is
 * looked up in the standard information schema, then dropped.
 */
public class V28__account_names_may_repeat extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        List<String> constraints = new ArrayList<>();
        try (Statement statement = c.createStatement();
                ResultSet rows = statement.executeQuery("SELECT tc.constraint_name FROM information_schema.table_constraints tc "
                        + "JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name "
                        + "AND k.table_schema = tc.table_schema WHERE tc.table_schema = current_schema "
                        + "AND tc.table_name = 'account' AND tc.constraint_type = 'UNIQUE' AND k.column_name = 'name'")) {
            while (rows.next()) {
                constraints.add(rows.getString(1));
            }
        }
        for (String constraint : constraints) {
            try (Statement statement = c.createStatement()) {
                statement.execute("ALTER TABLE account DROP CONSTRAINT \"" + constraint.replace("\"", "\"\"") + "\"");
            }
        }
    }
}
