package orgnet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import inet.ipaddr.IPAddressString;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.io.ByteUnit;

/**
 * A Neo4j 5 Community server for orgnet's tests and benchmark (neo4j-harness, in process).
 *
 * <p>Bolt only (no HTTP), on 127.0.0.1 and a free port, authentication ON: user
 * {@code neo4j}, password from the environment variable {@code ORGNET_NEO4J_PASSWORD}
 * (at least 8 characters). Data lives under the directory given as the first argument.
 * When ready it prints one line {@code ORGNET_NEO4J_READY <bolt uri>} on stdout. It shuts
 * down when its standard input reaches end-of-file (the parent died or closed the pipe)
 * or on SIGTERM.
 */
public final class Neo4jTestServer {

    private Neo4jTestServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: Neo4jTestServer WORK_DIR   (env ORGNET_NEO4J_PASSWORD, ORGNET_NEO4J_PAGECACHE_MB)");
            System.exit(2);
        }
        String password = System.getenv("ORGNET_NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("set ORGNET_NEO4J_PASSWORD (at least 8 characters)");
            System.exit(2);
        }
        long pageCacheMb = Long.parseLong(System.getenv().getOrDefault("ORGNET_NEO4J_PAGECACHE_MB", "128"));
        long txMemMb = Long.parseLong(System.getenv().getOrDefault("ORGNET_NEO4J_TX_MEMORY_MB", "2048"));
        Path work = Path.of(args[0]);
        Files.createDirectories(work);
        Path emptyImport = Files.createDirectories(work.resolve("import-empty"));

        long t0 = System.nanoTime();
        Neo4j neo4j = Neo4jBuilders.newInProcessBuilder(work)
                .withDisabledServer()
                .withConfig(GraphDatabaseSettings.auth_enabled, true)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", 0))
                .withConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                // as a deployment should: a cap per transaction and a server-side maximum time
                // (db.memory.transaction.max, db.transaction.timeout), so one query cannot take the server
                .withConfig(GraphDatabaseSettings.memory_transaction_max_size, ByteUnit.mebiBytes(txMemMb))
                .withConfig(GraphDatabaseSettings.transaction_timeout, java.time.Duration.ofSeconds(600))
                // as a deployment should: LOAD CSV reads no file of the server and fetches no URL
                // (a second line of defence behind orgnet's own refusal): no file:/// URLs, an
                // empty import directory, every address blocked
                .withConfig(GraphDatabaseSettings.allow_file_urls, false)
                .withConfig(GraphDatabaseSettings.load_csv_file_url_root, emptyImport)
                .withConfig(GraphDatabaseInternalSettings.cypher_ip_blocklist,
                        List.of(new IPAddressString("0.0.0.0/0"), new IPAddressString("::/0")))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(neo4j::close, "orgnet-neo4j-shutdown"));

        // The system database creates user neo4j with the password "neo4j", to be changed on
        // first login; set the caller's password instead (embedded transactions run with full
        // rights, so this works with authentication on).
        GraphDatabaseService system = neo4j.databaseManagementService().database("system");
        system.executeTransactionally("ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                Map.of("password", password));

        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("ORGNET_NEO4J_READY " + neo4j.boltURI() + " " + ms + "ms");
        System.out.flush();

        // Exit with the parent: standard input closes when it dies.
        InputStream in = System.in;
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) >= 0) {
                // ignore anything written; only EOF matters
            }
        } catch (IOException e) {
            // treat as EOF
        }
        System.exit(0);  // runs the shutdown hook
    }
}
