package dev.corral.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** Named coordinator settings that must survive a restart (the admin key's hash). */
public final class Settings {
    public Optional<String> get(Connection c, String name) throws SQLException {
        return Sql.one(c, "SELECT setting_value FROM setting WHERE name = ?", row -> row.getString(1), name);
    }

    public void put(Connection c, String name, String value) throws SQLException {
        if (Sql.update(c, "UPDATE setting SET setting_value = ? WHERE name = ?", value, name) == 0) {
            Sql.update(c, "INSERT INTO setting (name, setting_value) VALUES (?, ?)", name, value);
        }
    }
}
