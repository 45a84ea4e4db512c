package dev.empiric.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code empiric} command: Empiric's REST API from a shell, so that a researcher or a
 * shell-driven agent never needs curl. It knows nothing of the server's code, only its HTTP API
 * (docs/api.md), and is packaged on its own with picocli and Jackson (target/empiric-cli.jar).
 */
@Command(name = "empiric", mixinStandardHelpOptions = true, version = "empiric 0.1.0",
        description = "Talk to an Empiric server: campaigns, trials, runners, live progress, exports, tokens.",
        footerHeading = "%nServer and token:%n",
        footer = {"  --url, else $EMPIRIC_URL, else http://localhost:8080.",
            "  --token, else $EMPIRIC_TOKEN, else the admin token in $${EMPIRIC_DATA_DIR:-trials}/admin-token.",
            "  Errors print the server's explanation (the problem's detail) on standard error."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            " 0:done",
            " 1:the server refused the request (invalid, conflicting or too large)",
            " 2:wrong usage of the command",
            " 3:the server could not be reached, failed (5xx) or answered something unexpected",
            " 4:no valid token, or the token does not allow this (401, 403)",
            " 5:no such campaign, trial, token or environment (404)",
            " 6:verify: the export did not verify"},
        subcommands = {CampaignCommands.Campaigns.class, CampaignCommands.Create.class, TrialCommands.Submit.class,
            TrialCommands.Checkout.class, WatchCommand.class, TrialCommands.Show.class, CampaignCommands.Lineage.class,
            RunnerCommand.class, ArchiveCommands.Export.class, ArchiveCommands.Verify.class, ArchiveCommands.Import.class,
            TokenCommand.class, AutoComplete.GenerateCompletion.class})
public final class Empiric {

    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;
    static final int NOT_AUTHORISED = 4;
    static final int NOT_FOUND = 5;
    static final int NOT_VERIFIED = 6;

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "the server, for example http://localhost:8080")
    String url;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN", description = "an API token")
    String token;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "print the server's JSON (for scripts)")
    boolean json;

    private final Map<String, String> env;
    private final PrintWriter out;
    private final PrintWriter err;

    Empiric(Map<String, String> env, PrintWriter out, PrintWriter err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line and returns its exit code; what it prints goes to {@code out} and {@code err}. */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        Empiric root = new Empiric(env, out, err);
        CommandLine line = new CommandLine(root, new Factory(root));
        line.setOut(out).setErr(err).setExecutionExceptionHandler((failure, command, parsed) -> {
            if (failure instanceof Failure known) {
                err.println("empiric: " + known.getMessage());
                return known.exitCode();
            }
            err.println("empiric: " + failure);
            return UNREACHABLE;
        });
        try {
            return line.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    ServerClient client() {
        String base = url != null ? url : env.getOrDefault("EMPIRIC_URL", "http://localhost:8080");
        try {
            return new ServerClient(URI.create(base.replaceAll("/+$", "")), token());
        } catch (IllegalArgumentException e) {
            throw new Failure(USAGE, "'" + base + "' is not a URL");
        }
    }

    private String token() {
        if (token != null) {
            return token;
        }
        if (env.get("EMPIRIC_TOKEN") != null && !env.get("EMPIRIC_TOKEN").isBlank()) {
            return env.get("EMPIRIC_TOKEN").strip();
        }
        Path local = Path.of(env.getOrDefault("EMPIRIC_DATA_DIR", "trials"), "admin-token");
        try {
            return Files.isReadable(local) ? Files.readString(local).strip() : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean json() {
        return json;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    /** Prints a server answer as indented JSON. */
    void print(JsonNode node) {
        try {
            out.println(JSON.writeValueAsString(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes every command with a constructor taking the root command, so they share its options and output. */
    private record Factory(Empiric root) implements CommandLine.IFactory {

        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                Constructor<K> constructor = type.getDeclaredConstructor(Empiric.class);
                constructor.setAccessible(true);
                return constructor.newInstance(root);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }
}
