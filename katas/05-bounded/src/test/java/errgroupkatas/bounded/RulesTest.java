package errgroupkatas.bounded;

import errgroupkatas.support.KataRules;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

@DisplayName("Kata 05 — rules the code keeps")
@Order(3)
class RulesTest {

    @Tag("rules")
    @TestFactory
    @Timeout(30) // the first ArchUnit import of a JVM can take seconds on a loaded machine
    @DisplayName("kata 05's code")
    Stream<DynamicTest> rules() {
        return KataRules.check(LimitedGroupTest.KATA);
    }
}
