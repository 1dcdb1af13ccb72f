package errgroupkatas.select;

import errgroupkatas.support.KataRules;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

@DisplayName("Kata 04 — rules the code keeps")
class RulesTest {

    @Tag("rules")
    @TestFactory
    @Timeout(60) // ArchUnit's import takes 20 s on a loaded 2-core machine; no kata code runs here
    @DisplayName("kata 04's code")
    Stream<DynamicTest> rules() {
        return KataRules.check(FriendsPipelineTest.KATA);
    }
}
