package errgroupkatas.bounded;

import errgroupkatas.support.Checks;
import errgroupkatas.support.KataRules;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

@Checks(18)
@DisplayName("Kata 05 — rules the code keeps")
@Order(3)
class RulesTest {

    @Tag("rules")
    @TestFactory
    @DisplayName("kata 05's code")
    Stream<DynamicTest> rules() {
        return KataRules.check(LimitedGroupTest.KATA);
    }
}
