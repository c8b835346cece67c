package io.durablekafka.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Programs outside the JVM that tests run when the machine has them (Node.js, npm). */
final class ExternalProgram {

    private ExternalProgram() {
    }

    /**
     * Runs a program in {@code dir} (output appended to {@code <dir>/<program>.log}); its exit code, -1 when it cannot
     * be started (not installed), -2 when it did not end within {@code seconds}.
     */
    static int run(Path dir, Map<String, String> env, int seconds, String... command) throws InterruptedException {
        ProcessBuilder b = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(command[0] + ".log").toFile()));
        b.environment().putAll(env);
        Process p;
        try {
            p = b.start();
        } catch (IOException e) {
            return -1;
        }
        try {
            return p.waitFor(seconds, TimeUnit.SECONDS) ? p.exitValue() : -2;
        } finally {
            p.destroyForcibly();
        }
    }
}
