package dev.empiric.store;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The JDBC driver Empiric's datasource is built with: it opens an H2 or a PostgreSQL URL with that
 * database's own driver. Quarkus bakes one driver class into the jar; H2's alone refuses a
 * PostgreSQL URL ("Driver does not support the provided URL"), so the jar names this one instead.
 */
public class StoreDriver implements Driver {

    private final Driver h2 = new org.h2.Driver();
    private final Driver postgresql = new org.postgresql.Driver();

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        Driver driver = driverFor(url);
        // JDBC's contract: null, not an exception, for a URL this driver does not open.
        return driver == null ? null : driver.connect(url, info);
    }

    @Override
    public boolean acceptsURL(String url) {
        return driverFor(url) != null;
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        Driver driver = driverFor(url);
        return driver == null ? new DriverPropertyInfo[0] : driver.getPropertyInfo(url, info);
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("StoreDriver logs through the driver it delegates to");
    }

    private Driver driverFor(String url) {
        if (url == null) {
            return null;
        }
        return StoreKind.ofUrl(url)
                .map(kind -> switch (kind) {
                    case H2 -> h2;
                    case POSTGRESQL -> postgresql;
                })
                .orElse(null);
    }
}
