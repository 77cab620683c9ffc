// Nested records and enums whose methods are their only members, written
// for terse's code tests: max keeps their names.
package shapes;

public class Shapes {
    record Point(int x, int y) {
        double norm() {
            return Math.sqrt(x * x + y * y);
        }
    }

    enum Kind {
        ROUND, SQUARE;

        String label() {
            return name().toLowerCase();
        }
    }
}
