# SAM's makefile build method: `sam build` runs `make build-<FunctionLogicalId>` once per function,
# with ARTIFACTS_DIR set to that function's artifact folder. Every function ships the same jar.
# Maven's incremental build makes every call after the first cheap; use `sam build --build-in-source`
# so that the calls share one target/ folder.

JAR := functions/target/functions.jar
# Finds a JDK >= 21 even where the default java is older.
MAVEN := bash -c 'source scripts/lib/common.sh && use_jdk && mvn -B -q -ntp -Dmaven.test.skip=true -pl functions -am package'

build-%:
	$(MAVEN)
	unzip -q -o $(JAR) -d "$(ARTIFACTS_DIR)"

.PHONY: jar
jar:
	$(MAVEN)
