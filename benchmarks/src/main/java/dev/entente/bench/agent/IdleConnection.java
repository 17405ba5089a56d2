package dev.entente.bench.agent;

/**
 * A JDBC connection that does nothing at all (generated from {@code java.sql.Connection}): timed with and
 * without the agent, what a call on it costs is the agent's advice and nothing else. Used by
 * {@link AdviceCostBenchmark} only; never a stand-in for a database in a test of a feature.
 */
public class IdleConnection implements java.sql.Connection {

    @Override
    public java.sql.Statement createStatement() throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.sql.PreparedStatement prepareStatement(String a0) throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.sql.CallableStatement prepareCall(String a0) throws java.sql.SQLException {
        return null;
    }

    @Override
    public String nativeSQL(String a0) throws java.sql.SQLException {
        return null;
    }

    @Override
    public void setAutoCommit(boolean a0) throws java.sql.SQLException {
    }

    @Override
    public boolean getAutoCommit() throws java.sql.SQLException {
        return false;
    }

    @Override
    public void commit() throws java.sql.SQLException {
    }

    @Override
    public void rollback() throws java.sql.SQLException {
    }

    @Override
    public void close() throws java.sql.SQLException {
    }

    @Override
    public boolean isClosed() throws java.sql.SQLException {
        return false;
    }

    @Override
    public java.sql.DatabaseMetaData getMetaData() throws java.sql.SQLException {
        return null;
    }

    @Override
    public void setReadOnly(boolean a0) throws java.sql.SQLException {
    }

    @Override
    public boolean isReadOnly() throws java.sql.SQLException {
        return false;
    }

    @Override
    public void setCatalog(String a0) throws java.sql.SQLException {
    }

    @Override
    public String getCatalog() throws java.sql.SQLException {
        return null;
    }

    @Override
    public void setTransactionIsolation(int a0) throws java.sql.SQLException {
    }

    @Override
    public int getTransactionIsolation() throws java.sql.SQLException {
        return 0;
    }

    @Override
    public java.sql.SQLWarning getWarnings() throws java.sql.SQLException {
        return null;
    }

    @Override
    public void clearWarnings() throws java.sql.SQLException {
    }

    @Override
    public java.sql.Statement createStatement(int a0, int a1) throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.sql.PreparedStatement prepareStatement(String a0, int a1, int a2) throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.sql.CallableStatement prepareCall(String a0, int a1, int a2) throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.util.Map<String, Class<?>> getTypeMap() throws java.sql.SQLException {
        return null;
    }

    @Override
    public void setTypeMap(java.util.Map<String, Class<?>> a0) throws java.sql.SQLException {
    }

    @Override
    public void setHoldability(int a0) throws java.sql.SQLException {
    }

    @Override
    public int getHoldability() throws java.sql.SQLException {
        return 0;
    }

    @Override
    public java.sql.Savepoint setSavepoint() throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.sql.Savepoint setSavepoint(String a0) throws java.sql.SQLException {
        return null;
    }

    @Override
    public void rollback(java.sql.Savepoint a0) throws java.sql.SQLException {
    }

    @Override
    public void releaseSavepoint(java.sql.Savepoint a0) throws java.sql.SQLException {
    }

    @Override
    public java.sql.Statement createStatement(int a0, int a1, int a2) throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.sql.PreparedStatement prepareStatement(String a0, int a1, int a2, int a3) throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.sql.CallableStatement prepareCall(String a0, int a1, int a2, int a3) throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.sql.PreparedStatement prepareStatement(String a0, int a1) throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.sql.PreparedStatement prepareStatement(String a0, int[] a1) throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.sql.PreparedStatement prepareStatement(String a0, String[] a1) throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.sql.Clob createClob() throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.sql.Blob createBlob() throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.sql.NClob createNClob() throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.sql.SQLXML createSQLXML() throws java.sql.SQLException {
        return null;
    }

    @Override
    public boolean isValid(int a0) throws java.sql.SQLException {
        return false;
    }

    @Override
    public void setClientInfo(String a0, String a1) throws java.sql.SQLClientInfoException {
    }

    @Override
    public void setClientInfo(java.util.Properties a0) throws java.sql.SQLClientInfoException {
    }

    @Override
    public String getClientInfo(String a0) throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.util.Properties getClientInfo() throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.sql.Array createArrayOf(String a0, Object[] a1) throws java.sql.SQLException {
        return null;
    }

    @Override
    public java.sql.Struct createStruct(String a0, Object[] a1) throws java.sql.SQLException {
        return null;
    }

    @Override
    public void setSchema(String a0) throws java.sql.SQLException {
    }

    @Override
    public String getSchema() throws java.sql.SQLException {
        return null;
    }

    @Override
    public void abort(java.util.concurrent.Executor a0) throws java.sql.SQLException {
    }

    @Override
    public void setNetworkTimeout(java.util.concurrent.Executor a0, int a1) throws java.sql.SQLException {
    }

    @Override
    public int getNetworkTimeout() throws java.sql.SQLException {
        return 0;
    }
    @Override
    public <T> T unwrap(Class<T> a0) throws java.sql.SQLException {
        return null;
    }

    @Override
    public boolean isWrapperFor(Class<?> a0) throws java.sql.SQLException {
        return false;
    }
}
