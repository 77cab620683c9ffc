/*
 * Copyright 2026 the terse authors. Licensed under the Apache License, Version 2.0.
 */
package org.example.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A ledger of transfers between accounts. Written for terse's code tests. */
public final class Ledger {
    // every transfer, oldest first
    private final List<Transfer> transfers = new ArrayList<>();
    private static final long LIMIT = 1_000_000L;

    public record Transfer(String from, String to, long cents) {}

    /**
     * Adds a transfer.
     *
     * @throws IllegalArgumentException when the amount is not positive or too large
     */
    public void add(String from, String to, long cents) {
        if (cents <= 0 || cents > LIMIT) {
            throw new IllegalArgumentException("bad amount: " + cents);
        }
        transfers.add(new Transfer(from, to, cents));
    }

    public long balance(String account) {
        long b = 0;
        for (Transfer t : transfers) {
            if (t.to().equals(account)) b += t.cents();
            else if (t.from().equals(account)) b -= t.cents();
        }
        return b;
    }

    public List<Transfer> where(Predicate<Transfer> p) {
        List<Transfer> out = new ArrayList<>();
        transfers.stream().filter(p).forEach(out::add);
        return out;
    }

    @Override
    public String toString() {
        char sep = ';';
        return "Ledger[" + transfers.size() + sep + (a() - -1) + "]";
    }

    private static int a() { return 1; }

    public static void main(String[] args) {
        Ledger l = new Ledger();
        l.add("a", "b", 250);
        System.out.println(l.balance("b") + " " + l.where(t -> t.cents() > 100).size());
    }
}
