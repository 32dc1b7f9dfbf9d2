package io.flashstrike.wal.cli;

import io.flashstrike.wal.recovery.telemetry.BuildInfo;
import io.flashstrike.wal.testsupport.PackagedCli;
import io.flashstrike.wal.testsupport.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A consumer project, as a library user writes one: a pom that declares our artifact (the
 * README's {@code <dependency>}) and the README's Install example as its source, built by Maven
 * against the library laid out in a local repository as {@code mvn install} lays it out. Its
 * runtime class path holds our jar only, and the example runs on it.
 *
 * <p>The consumer's local repository is private to the test (nothing of it reaches the user's),
 * with the user's other artifacts linked in so the build runs offline on the plugins this build
 * already fetched.
 */
class ConsumerProjectIT {
    private static final Pattern XML = Pattern.compile("(?s)```xml\n(.*?)```");
    private static final Pattern JAVA = Pattern.compile("(?s)## Install\n.*?```java\n(.*?)```");

    @TempDir
    Path tmp;

    @Test
    void aProjectThatDeclaresOurArtifactGetsOurJarAloneAndTheReadmeExampleRuns() throws Exception {
        PackagedCli.requireJar();
        String readme = Files.readString(PackagedCli.ROOT.resolve("README.md"));
        Matcher xml = XML.matcher(readme);
        assertTrue(xml.find(), "README's <dependency> block");
        String dependency = xml.group(1);
        assertTrue(dependency.contains("<version>" + BuildInfo.VERSION + "</version>"), "README names this version:\n" + dependency);
        Matcher java = JAVA.matcher(readme);
        assertTrue(java.find(), "README's Install example");

        Path repo = privateRepository();
        Path installed = Files.createDirectories(repo.resolve("io/flashstrike/flashstrike-wal-telemetry/" + BuildInfo.VERSION));
        Path jar = Files.copy(PackagedCli.LIBRARY_JAR, installed.resolve("flashstrike-wal-telemetry-" + BuildInfo.VERSION + ".jar"));
        Files.copy(PackagedCli.ROOT.resolve("pom.xml"), installed.resolve("flashstrike-wal-telemetry-" + BuildInfo.VERSION + ".pom"));

        Path project = Files.createDirectories(tmp.resolve("engine"));
        Files.writeString(project.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>example</groupId>
                  <artifactId>engine</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                %s  </dependencies>
                  <build>
                    <plugins>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
                      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version></plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(dependency.indent(4)));
        Path source = Files.createDirectories(project.resolve("src/main/java"));
        Files.writeString(source.resolve("Engine.java"), java.group(1));

        Path cp = tmp.resolve("classpath.txt");
        Processes.Result build = run(project, "mvn", "-B", "-q", "-o", "-Dmaven.repo.local=" + repo, "compile",
                "dependency:build-classpath", "-Dmdep.includeScope=runtime", "-Dmdep.outputFile=" + cp);
        assertEquals(0, build.exit(), build.output());
        assertEquals(List.of(jar.toString()),
                List.of(Files.readString(cp).strip().split(File.pathSeparator)), "the consumer's runtime class path");

        Processes.Result example = run(project, PackagedCli.java().toString(), "-cp",
                project.resolve("target/classes") + File.pathSeparator + Files.readString(cp).strip(), "Engine");
        assertEquals(0, example.exit(), example.output());
        assertTrue(example.output().startsWith("[engine Metrics] Snapshot:"), example.output());
        assertTrue(example.output().contains("Preload segment"), example.output());
    }

    /**
     * A local repository of its own: every group of the user's repository linked in but ours, so
     * the build resolves plugins offline and can only find our artifact where the test put it.
     */
    private Path privateRepository() throws Exception {
        String configured = System.getProperty("flashstrike.test.localRepository");
        Path user = configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".m2", "repository");
        Path repo = Files.createDirectories(tmp.resolve("m2"));
        try (var top = Files.list(user)) {
            for (Path p : top.toList()) {
                if (!p.getFileName().toString().equals("io")) {
                    Files.createSymbolicLink(repo.resolve(p.getFileName().toString()), p);
                }
            }
        }
        Path io = Files.createDirectories(repo.resolve("io"));
        if (Files.isDirectory(user.resolve("io"))) {
            try (var groups = Files.list(user.resolve("io"))) {
                for (Path p : groups.toList()) {
                    if (!p.getFileName().toString().equals("flashstrike")) {
                        Files.createSymbolicLink(io.resolve(p.getFileName().toString()), p);
                    }
                }
            }
        }
        return repo;
    }

    private Processes.Result run(Path dir, String... cmd) throws Exception {
        return Processes.run(List.of(cmd), dir, e -> e.put("JAVA_HOME", System.getProperty("java.home")),
                Files.createTempFile(tmp, "run-", ".log"), Duration.ofSeconds(300));
    }
}
