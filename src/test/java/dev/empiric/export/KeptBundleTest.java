package dev.empiric.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A campaign's next export copies the previous one's {@code repo.bundle} while the trials name the
 * same commits under the same refs, and only then: the zip stays byte for byte the one a first export
 * writes, a bundle kept for other refs or damaged is packed anew, and the copy (as docs/audit.md
 * says) no longer reads the trees and files from the repository.
 */
@Tag("unit")
class KeptBundleTest extends ExportFixtureTest {

    @Test
    void theSameRefsCopyTheBundleWithoutReadingTheRepositoryAgain() throws IOException {
        Path cache = temp.resolve("same/attachments.bin");
        Path gitDir = copyOfTheRepository(temp.resolve("same/repo.git"));
        try (Repository repository = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).build()) {
            byte[] first = export(fixture.source(), repository, cache);
            assertTrue(Files.exists(KeptBundle.fileBeside(cache)));

            // The last trial's train.py is in no other commit: a repository that lost it can no longer be packed.
            Files.delete(looseObject(repository, lastTrialsTrainPy(repository)));
            assertThrows(IOException.class, () -> export(fixture.source(), repository, null));

            byte[] second = export(fixture.source(), repository, cache);
            assertArrayEquals(first, second);
            Path unzipped = ExportChecks.unzip(second, temp.resolve("same/unzipped"))
                    .resolve(ExportWriter.folder(fixture.campaign.id()));
            ExportChecks.Result verified = ExportChecks.verify(unzipped, fixture.key.publicKey());
            assertEquals(0, verified.exit(), "the copy holds every object: " + verified.output());
        }
    }

    @Test
    void otherRefsPackTheBundleAnew() throws IOException {
        Path cache = temp.resolve("other/attachments.bin");
        export(withoutTheLastTrial(), fixture.repository, cache);
        byte[] keptForFewer = Files.readAllBytes(KeptBundle.fileBeside(cache));

        byte[] all = export(fixture.source(), fixture.repository, cache);
        assertArrayEquals(export(fixture.source(), fixture.repository, null), all);
        assertFalse(Arrays.equals(keptForFewer, Files.readAllBytes(KeptBundle.fileBeside(cache))),
                "the bundle of every trial is kept now");
    }

    @Test
    void aDamagedOrForeignKeptBundleIsPackedAnew() throws IOException {
        Path cache = temp.resolve("damaged/attachments.bin");
        Path kept = KeptBundle.fileBeside(cache);
        byte[] first = export(fixture.source(), fixture.repository, cache);
        byte[] whole = Files.readAllBytes(kept);

        Files.write(kept, Arrays.copyOf(whole, whole.length - 1));
        assertArrayEquals(first, export(fixture.source(), fixture.repository, cache));
        assertArrayEquals(whole, Files.readAllBytes(kept), "and the kept bundle is whole again");

        Files.writeString(kept, "not a bundle at all\n".repeat(100));
        assertArrayEquals(first, export(fixture.source(), fixture.repository, cache));
        assertArrayEquals(whole, Files.readAllBytes(kept));
        try (Stream<Path> left = Files.list(cache.getParent())) {
            assertEquals(Set.of(cache, kept), left.collect(Collectors.toSet()), "no temporary file is left");
        }
    }

    private static byte[] export(ExportSource source, Repository repository, Path cache) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer().writeZip(source, repository, out, cache);
        return out.toByteArray();
    }

    /** The fixture without its last trial and the view only that trial names: one ref fewer in the bundle. */
    private static ExportSource withoutTheLastTrial() {
        int last = fixture.trials.getLast().record().number();
        Set<String> named = fixture.trials.stream().filter(t -> t.record().number() != last)
                .map(t -> t.record().proposerViewSha256()).collect(Collectors.toSet());
        return fixture.source(UnaryOperator.identity(), trials -> trials.filter(t -> t.record().number() != last),
                views -> views.filter(v -> named.contains(v.sha256())));
    }

    private static Path copyOfTheRepository(Path target) throws IOException {
        return ExportChecks.copyTree(fixture.repository.getDirectory().toPath(), target);
    }

    private static ObjectId lastTrialsTrainPy(Repository repository) throws IOException {
        String commit = fixture.trials.getLast().record().commit();
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit last = walk.parseCommit(ObjectId.fromString(commit));
            try (TreeWalk file = TreeWalk.forPath(repository, "train.py", last.getTree())) {
                return file.getObjectId(0);
            }
        }
    }

    private static Path looseObject(Repository repository, ObjectId id) {
        String name = id.name();
        Path file = repository.getDirectory().toPath().resolve("objects").resolve(name.substring(0, 2))
                .resolve(name.substring(2));
        assertTrue(Files.exists(file), "the fixture's objects are loose");
        return file;
    }
}
