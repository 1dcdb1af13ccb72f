package errgroupkatas.naive;

import errgroupkatas.support.KataRules;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

@DisplayName("Kata 02 — rules the code keeps")
class RulesTest {

    @Tag("rules")
    @TestFactory
    // ArchUnit's first class import resolves JDK classes and takes 1-8 s on a busy 2-core machine:
    // more than the default 5 s test timeout. The rules run no kata code, so nothing can hang here.
    @Timeout(60)
    @DisplayName("kata 02's code")
    Stream<DynamicTest> rules() {
        return KataRules.check(FriendsHandlerTest.KATA);
    }
}
