package errgroupkatas.select;

import errgroupkatas.support.KataRules;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

@DisplayName("Kata 04 — rules the code keeps")
class RulesTest {

    @Tag("rules")
    @TestFactory
    @DisplayName("kata 04's code")
    Stream<DynamicTest> rules() {
        return KataRules.check(FriendsPipelineTest.KATA);
    }
}
