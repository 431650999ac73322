package dev.freshet.core.config;

import dev.freshet.core.config.NodeReader.Entries;
import dev.freshet.core.definition.BanditDefinition;
import dev.freshet.core.definition.Definitions;
import dev.freshet.core.error.ConfigException;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Reads {@code freshet.yaml} through SnakeYAML's node API, so that every problem can name its
 * line. Reports every problem of a file in one {@link ConfigException}: structural ones found while
 * walking the nodes, then the semantic rules of {@link Definitions#validate} and
 * {@link dev.freshet.core.definition.ModelRules#validate} and {@link dev.freshet.core.definition.BanditRules#validate}.
 */
final class YamlConfigLoader {

    /** Large enough for any real configuration, small enough that a wrong file fails fast. */
    static final int CODE_POINT_LIMIT = 1 << 20;

    private static final List<String> TOP_KEYS = List.of(
            "project", "kafka", "streams", "online_store", "offline_store", "api", "entities", "sources", "feature_views",
            "models", "model_store", "bandits");
    private static final List<String> KAFKA_KEYS = List.of("bootstrap_servers", "embedded", "partitions", "replication_factor");
    private static final List<String> STREAMS_KEYS = List.of("commit_interval", "threads", "state_dir", "max_clock_skew", "grace");
    private static final List<String> EMBEDDED_KEYS = List.of("port", "data_dir");
    private static final List<String> ONLINE_KEYS = List.of("type", "path", "uri", "cache_tiles", "cache_values");
    private static final List<String> ONLINE_TYPES = List.of("rocksdb", "redis");
    private static final List<String> OFFLINE_KEYS = List.of("path", "flush_interval", "flight");
    private static final List<String> FLIGHT_KEYS = List.of("host", "port", "spine_dirs");
    private static final List<String> API_KEYS = List.of("host", "port", "max_entities", "max_request_bytes", "event_loops");

    /** Kafka Streams application ids allow these characters, and the project prefixes them. */
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** {@code host:port}, the host a name, an IPv4 address or a bracketed IPv6 address. */
    private static final Pattern BROKER = Pattern.compile("([A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+]):\\d{1,5}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]+|[0-9A-Fa-f:]+");

    private YamlConfigLoader() {
    }

    static FreshetConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw unreadable(file, "no such file");
        } catch (AccessDeniedException e) {
            throw unreadable(file, "permission denied");
        } catch (CharacterCodingException e) {
            throw unreadable(file, "not UTF-8 text");
        } catch (IOException e) {
            throw unreadable(file, Files.isDirectory(file) ? "it is a directory" : String.valueOf(e.getMessage()));
        }
        return parse(text, file.toString());
    }

    private static ConfigException unreadable(Path file, String reason) {
        return new ConfigException(List.of(file + ": cannot read the configuration file: " + reason
                + " (absolute path: " + file.toAbsolutePath() + ")"));
    }

    static FreshetConfig parse(String yaml, String fileName) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(fileName, "fileName");
        Node root = compose(yaml, fileName);
        NodeReader in = new NodeReader(fileName);
        Entries top;
        if (root == null) {
            top = new Entries("", new LinkedHashMap<>()); // an empty file or only comments
        } else if (root instanceof MappingNode) {
            top = in.mapping("", root, TOP_KEYS);
        } else {
            String kind = root instanceof SequenceNode ? "a list" : "a single value";
            throw new ConfigException(List.of(fileName + ":" + NodeReader.lineOf(root) + ": the top level is " + kind
                    + ", but must be a mapping of sections (" + String.join(", ", TOP_KEYS) + ")"));
        }
        String project = project(in, top);
        KafkaConfig kafka = kafka(in, top);
        StreamsConfig streams = streams(in, top);
        OnlineStoreConfig online = onlineStore(in, top);
        Entries offlineEntries = in.mapping(top, "offline_store", OFFLINE_KEYS);
        OfflineStoreConfig offline = offlineEntries == null ? OfflineStoreConfig.defaults() : offlineStore(in, offlineEntries);
        Entries apiEntries = in.mapping(top, "api", API_KEYS);
        ApiConfig api = apiEntries == null ? ApiConfig.defaults() : api(in, apiEntries);
        DefinitionsReader.Parts parts = DefinitionsReader.read(in, top);
        ModelsReader.Models models = ModelsReader.read(in, top, parts);
        List<BanditDefinition> bandits = BanditsReader.read(in, top, parts, models.models());
        if (in.hasProblems()) {
            throw new ConfigException(in.messages());
        }
        // no problem was reported, so the same rules pass again here
        Definitions definitions = Definitions.of(parts.entities(), parts.sources(), parts.views());
        return new FreshetConfig(project, kafka, streams, online, offline, api, definitions, models.models(), models.store(),
                bandits);
    }

    private static Node compose(String yaml, String fileName) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false); // NodeReader reports them with both lines; compose() itself does not check
        options.setCodePointLimit(CODE_POINT_LIMIT);
        try {
            return new Yaml(options).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? fileName : fileName + ":" + (mark.getLine() + 1);
            String what = e.getProblem() != null ? e.getProblem() : e.getContext();
            String context = e.getContext() != null && e.getProblem() != null ? " (" + e.getContext() + ")" : "";
            throw new ConfigException(List.of(where + ": not valid YAML: " + what + context));
        } catch (YAMLException e) {
            throw new ConfigException(List.of(fileName + ": not valid YAML: " + e.getMessage()));
        }
    }

    private static String project(NodeReader in, Entries top) {
        String project = in.required(top, "project", " (name the project, e.g. project: shop)");
        if (project != null && !PROJECT.matcher(project).matches()) {
            in.problem("project", project, "is not a valid project name (1 to 100 of letters, digits, '.', '_' and '-'; it prefixes Kafka application ids)");
        }
        return project == null ? "" : project;
    }

    private static KafkaConfig kafka(NodeReader in, Entries top) {
        Entries k = in.mapping(top, "kafka", KAFKA_KEYS);
        if (k == null) {
            return KafkaConfig.defaults();
        }
        String servers = in.string(k, "bootstrap_servers");
        if (servers != null && servers.isBlank()) {
            in.problem(k.pathOf("bootstrap_servers"), servers,
                    "is empty (write host:port[,host:port...], or leave it out for the embedded broker)");
            servers = null;
        } else if (servers != null && !brokers(servers)) {
            in.problem(k.pathOf("bootstrap_servers"), servers, "is not a list of brokers (write host:port[,host:port...], e.g. broker1:9092,broker2:9092)");
        }
        KafkaConfig.Embedded embedded = KafkaConfig.defaults().embedded();
        Entries e = in.mapping(k, "embedded", EMBEDDED_KEYS);
        if (e != null) {
            embedded = new KafkaConfig.Embedded(in.port(e, "port", KafkaConfig.DEFAULT_PORT),
                    in.path(e, "data_dir", KafkaConfig.DEFAULT_DATA_DIR));
        }
        int partitions = in.positiveInt(k, "partitions", KafkaConfig.DEFAULT_PARTITIONS, 10_000);
        int replication = in.positiveInt(k, "replication_factor", 0, 100);
        if (servers == null && k.has("replication_factor") && replication != 1) {
            in.problem(k.pathOf("replication_factor"), String.valueOf(replication),
                    "is more than the embedded broker can hold (it is a single node: leave replication_factor out, or set bootstrap_servers)");
        }
        return new KafkaConfig(servers, embedded, partitions, replication);
    }

    private static StreamsConfig streams(NodeReader in, Entries top) {
        StreamsConfig d = StreamsConfig.defaults();
        Entries s = in.mapping(top, "streams", STREAMS_KEYS);
        if (s == null) {
            return d;
        }
        Duration commit = in.duration(s, "commit_interval");
        if (commit != null && commit.isZero()) {
            in.problem(s.pathOf("commit_interval"), "0", "must be positive (100ms is the default; longer trades freshness for throughput)");
            commit = null;
        }
        int threads = in.positiveInt(s, "threads", StreamsConfig.DEFAULT_THREADS, 256);
        Path stateDir = in.path(s, "state_dir", StreamsConfig.DEFAULT_STATE_DIR);
        Duration skew = in.duration(s, "max_clock_skew");
        Duration grace = in.duration(s, "grace");
        return new StreamsConfig(commit == null ? d.commitInterval() : commit, threads, stateDir,
                skew == null ? d.maxClockSkew() : skew, grace == null ? d.grace() : grace);
    }

    private static ApiConfig api(NodeReader in, Entries a) {
        String host = in.string(a, "host");
        if (host != null && !HOST.matcher(host.trim()).matches()) {
            in.problem(a.pathOf("host"), host, "is not a host name or IP address (e.g. 127.0.0.1 for this machine only, 0.0.0.0 for every interface)");
            host = null;
        }
        return new ApiConfig(host == null ? ApiConfig.DEFAULT_HOST : host.trim(),
                in.port(a, "port", ApiConfig.DEFAULT_PORT),
                in.positiveInt(a, "max_entities", ApiConfig.DEFAULT_MAX_ENTITIES, 1_000_000),
                in.positiveInt(a, "max_request_bytes", ApiConfig.DEFAULT_MAX_REQUEST_BYTES, 1 << 30),
                in.positiveInt(a, "event_loops", 0, ApiConfig.MAX_EVENT_LOOPS));
    }

    private static OfflineStoreConfig offlineStore(NodeReader in, Entries o) {
        Duration flush = in.duration(o, "flush_interval");
        if (flush != null && flush.isZero()) {
            in.problem(o.pathOf("flush_interval"), "0", "must be positive (30s is the default; shorter makes fresher, smaller files)");
            flush = null;
        }
        Entries flight = in.mapping(o, "flight", FLIGHT_KEYS);
        String host = flight == null ? null : in.string(flight, "host");
        if (host != null && !HOST.matcher(host.trim()).matches()) {
            in.problem(flight.pathOf("host"), host, "is not a host name or IP address (e.g. 127.0.0.1 for this machine only, 0.0.0.0 for every interface)");
            host = null;
        }
        List<Path> spineDirs = new ArrayList<>();
        for (NodeReader.Item item : flight == null ? List.<NodeReader.Item>of() : in.list(flight, "spine_dirs")) {
            String text = in.string(item);
            if (text == null) {
                continue;
            }
            if (text.isBlank()) {
                in.problem(item.path(), text, "is empty (give a directory the Flight server may read spines from, e.g. ./data/spines)");
                continue;
            }
            try {
                spineDirs.add(Path.of(text.trim()));
            } catch (InvalidPathException e) {
                in.problem(item.path(), text, "is not a valid path (" + e.getReason() + ")");
            }
        }
        return new OfflineStoreConfig(in.path(o, "path", OfflineStoreConfig.DEFAULT_PATH),
                flush == null ? OfflineStoreConfig.DEFAULT_FLUSH_INTERVAL : flush,
                host == null ? OfflineStoreConfig.DEFAULT_FLIGHT_HOST : host.trim(),
                flight == null ? OfflineStoreConfig.DEFAULT_FLIGHT_PORT : in.port(flight, "port", OfflineStoreConfig.DEFAULT_FLIGHT_PORT),
                spineDirs);
    }

    private static boolean brokers(String servers) {
        for (String broker : servers.split(",", -1)) {
            String b = broker.trim();
            if (!BROKER.matcher(b).matches()) {
                return false;
            }
            int port = Integer.parseInt(b.substring(b.lastIndexOf(':') + 1));
            if (port < 1 || port > 65_535) {
                return false;
            }
        }
        return true;
    }

    private static OnlineStoreConfig onlineStore(NodeReader in, Entries top) {
        Entries s = in.mapping(top, "online_store", ONLINE_KEYS);
        if (s == null) {
            return OnlineStoreConfig.defaults();
        }
        String typeName = in.string(s, "type");
        String type = typeName == null ? null : typeName.trim().toLowerCase(Locale.ROOT);
        if (type != null && !ONLINE_TYPES.contains(type)) {
            in.problem(s.pathOf("type"), typeName, "is not an online store type (types: " + String.join(", ", ONLINE_TYPES)
                    + Typos.hint(typeName, ONLINE_TYPES) + ")");
            return OnlineStoreConfig.defaults();
        }
        if ("redis".equals(type)) {
            onlyFor(in, s, "path", "rocksdb", "redis");
            onlyFor(in, s, "cache_tiles", "rocksdb", "redis");
            onlyFor(in, s, "cache_values", "rocksdb", "redis");
            String uri = in.required(s, "uri", " (where Redis listens, e.g. uri: redis://127.0.0.1:6379)");
            URI parsed = uri == null ? null : redisUri(uri);
            if (uri != null && parsed == null) {
                in.problem(s.pathOf("uri"), uri,
                        "is not a Redis URI (write redis://host:port, or rediss://host:port for TLS, e.g. redis://127.0.0.1:6379)");
            }
            return parsed == null ? OnlineStoreConfig.defaults() : new OnlineStoreConfig.Redis(parsed);
        }
        onlyFor(in, s, "uri", "redis", type == null ? "rocksdb, the default" : "rocksdb");
        String cache = in.string(s, "cache_tiles");
        long cacheTiles = cache != null && cache.trim().equals("0")
                ? 0 : in.positiveInt(s, "cache_tiles", (int) OnlineStoreConfig.DEFAULT_CACHE_TILES, 100_000_000);
        String values = in.string(s, "cache_values");
        long cacheValues = values != null && values.trim().equals("0")
                ? 0 : in.positiveInt(s, "cache_values", (int) OnlineStoreConfig.DEFAULT_CACHE_VALUES, 100_000_000);
        return new OnlineStoreConfig.RocksDb(in.path(s, "path", OnlineStoreConfig.DEFAULT_ROCKSDB_PATH), cacheTiles, cacheValues);
    }

    private static void onlyFor(NodeReader in, Entries s, String key, String itsType, String thisType) {
        if (s.values().containsKey(key)) {
            in.problem(s.pathOf(key), null, "only applies to type " + itsType + " (the type here is " + thisType
                    + "; write type: " + itsType + " or remove " + key + ")");
        }
    }

    /** The URI when it is a {@code redis://} or {@code rediss://} URI with a host; null otherwise. */
    private static URI redisUri(String text) {
        try {
            URI uri = new URI(text);
            boolean scheme = "redis".equalsIgnoreCase(uri.getScheme()) || "rediss".equalsIgnoreCase(uri.getScheme());
            boolean port = uri.getPort() == -1 || (uri.getPort() >= 1 && uri.getPort() <= 65_535);
            return scheme && uri.getHost() != null && port ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
