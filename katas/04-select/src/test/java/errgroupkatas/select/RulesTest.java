package errgroupkatas.select;

import errgroupkatas.support.Checks;
import errgroupkatas.support.KataRules;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

@DisplayName("Kata 04 — rules the code keeps")
// Rules last: the test classes above read as the kata's rules of behaviour, easiest first.
@Order(Integer.MAX_VALUE)
@Checks(8)
class RulesTest {

    @Tag("rules")
    @TestFactory
    @DisplayName("kata 04's code")
    Stream<DynamicTest> rules() {
        return KataRules.check(FriendsPipelineTest.KATA);
    }
}
