// Gives the shared test precompiled header (test_pch.hpp) a target to be built for.
