package errgroupkatas.tools.coach;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Progress: what the coach remembers between runs")
class ProgressTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("results, hints seen and the current kata survive a save and a load")
    void roundTrip() throws Exception {
        Path file = dir.resolve(".coach/progress.properties");
        Progress p = Progress.load(file);
        p.result("01-serial", new Progress.Result(8, 8, "solved"));
        p.result("02-naive-parallel", new Progress.Result(3, 12, "in progress"));
        p.hintsSeen("02-naive-parallel", 2);
        p.current("02-naive-parallel");
        p.save();

        Progress loaded = Progress.load(file);

        assertThat(loaded.result("01-serial")).contains(new Progress.Result(8, 8, "solved"));
        assertThat(loaded.result("02-naive-parallel")).contains(new Progress.Result(3, 12, "in progress"));
        assertThat(loaded.result("03-errgroup")).isEmpty();
        assertThat(loaded.hintsSeen("02-naive-parallel")).isEqualTo(2);
        assertThat(loaded.hintsSeen("01-serial")).isZero();
        assertThat(loaded.current()).contains("02-naive-parallel");
        assertThat(dir.resolve(".coach")).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    @DisplayName("a missing file is a fresh start, and a damaged line costs only that line")
    void missingOrDamaged() throws Exception {
        assertThat(Progress.load(dir.resolve("none.properties")).current()).isEmpty();

        Path file = dir.resolve("progress.properties");
        Files.writeString(file, "01-serial.result=oops\n01-serial.hints=x\n02-naive-parallel.hints=1\n");
        Progress p = Progress.load(file);

        assertThat(p.result("01-serial")).isEmpty();
        assertThat(p.hintsSeen("01-serial")).isZero();
        assertThat(p.hintsSeen("02-naive-parallel")).isEqualTo(1);
    }
}
