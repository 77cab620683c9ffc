// Function signatures wrapped in export statements inside an interface and
// a namespace, written for terse's code tests: max keeps their names.
interface Area {
  export function of(side: number): number;
}

namespace Geometry {
  interface Scale {
    export function by(factor: number): number;
  }
  export function unit(): number;
}
