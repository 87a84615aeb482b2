<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_CA">
<context>
    <name></name>
    <message>
        <location filename="../app.py" line="+420"/>
        <source>hang up, then call {name} on {number} from another phone.</source>
        <translation>raccrochez, puis appelez {name} au {number} d&apos;un autre téléphone.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>hang up, then call your provider from another phone.</source>
        <translation>raccrochez, puis appelez votre fournisseur d&apos;un autre téléphone.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>ScamGuard was switched off</source>
        <translation>ScamGuard a été désactivé</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ScamGuard was not protecting this computer for {how_long}, from {start} to {end}.</source>
        <translation>ScamGuard n&apos;a pas protégé cet ordinateur pendant {how_long}, entre {start} et {end}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>If someone on the phone asked you to switch it off, or to type a command, it is a scam:</source>
        <translation>Si quelqu&apos;un au téléphone vous a demandé de le désactiver, ou de taper une commande, c&apos;est une arnaque&#xa0;:</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>call your bank on {number} from a different phone</source>
        <translation>appelez votre banque au {number} d&apos;un autre téléphone</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>call your bank from a different phone, on the number on your card</source>
        <translation>appelez votre banque d&apos;un autre téléphone, au numéro inscrit sur votre carte</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Someone was connected to this computer a moment ago</source>
        <translation>Quelqu&apos;un était connecté à cet ordinateur il y a un instant</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>You opened {bank} just after someone was connected to this computer. If a caller asked you to do this, it is a scam. Hang up, then {call}. Change your passwords from another device, starting with email.</source>
        <translation>Vous avez ouvert {bank} juste après qu&apos;une personne s&apos;est connectée à cet ordinateur. Si quelqu&apos;un au téléphone vous a demandé de le faire, c&apos;est une arnaque. Raccrochez, puis {call}. Changez vos mots de passe à partir d&apos;un autre appareil, en commençant par votre courriel.</translation>
    </message>
    <message>
        <location line="+12"/>
        <location filename="../windows/settings/trusted.py" line="+63"/>
        <location line="+9"/>
        <location filename="../windows/settings/window.py" line="+105"/>
        <source>Trusted programs</source>
        <translation>Programmes de confiance</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>watched folders changed in settings</source>
        <translation>dossiers surveillés modifiés dans les paramètres</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+54"/>
        <location filename="../windows/about.py" line="+77"/>
        <source>Updates</source>
        <translation>Mises à jour</translation>
    </message>
    <message>
        <location line="-52"/>
        <source>No update feed is set up on this computer, so ScamGuard keeps the list it came with: {count} remote-control programs (version {version}).</source>
        <translation>Aucune source de mises à jour n&apos;est configurée sur cet ordinateur&#xa0;: ScamGuard garde donc la liste fournie avec lui, soit {count} programmes de contrôle à distance (version {version}).</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The update was refused: {why}</source>
        <translation>La mise à jour a été refusée&#xa0;: {why}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The update check failed: {why}</source>
        <translation>La vérification des mises à jour a échoué&#xa0;: {why}</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>the person chose Quit in the tray menu</source>
        <translation>la personne a choisi «&#xa0;Quitter&#xa0;» dans le menu de l&apos;icône</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>the app closed</source>
        <translation>l&apos;application s&apos;est fermée</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>a few seconds</source>
        <translation>quelques secondes</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>1 minute</source>
        <translation>1 minute</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>{n} minutes</source>
        <translation>{n} minutes</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1 hour</source>
        <translation>1 heure</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>{n} hours</source>
        <translation>{n} heures</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>the app closed (Ctrl-C)</source>
        <translation>l&apos;application s&apos;est fermée (Ctrl-C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the app was told to stop</source>
        <translation>l&apos;application a reçu l&apos;ordre de s&apos;arrêter</translation>
    </message>
    <message>
        <location filename="../card.py" line="+105"/>
        <location filename="../windows/notices.py" line="+317"/>
        <source>Scan with your mobile phone to call {number}</source>
        <translation>Balayez avec votre cellulaire pour appeler le {number}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Keep this by your phone</source>
        <translation>Gardez ceci près de votre téléphone</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>If someone phones and asks to connect to your computer:</source>
        <translation>Si quelqu&apos;un vous appelle et demande à se connecter à votre ordinateur&#xa0;:</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Printed from ScamGuard on {date}. Numbers last checked: {checked}.</source>
        <translation>Imprimé par ScamGuard le {date}. Numéros vérifiés le&#xa0;: {checked}.</translation>
    </message>
    <message>
        <location line="+189"/>
        <source>the page could not be started</source>
        <translation>la page n&apos;a pas pu être commencée</translation>
    </message>
    <message>
        <location line="+36"/>
        <location line="+63"/>
        <source>{provider}: who to call</source>
        <translation>{provider}&#xa0;: qui appeler</translation>
    </message>
    <message>
        <location line="-56"/>
        <source>the card could not be made</source>
        <translation>la fiche n&apos;a pas pu être créée</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Save the card to print</source>
        <translation>Enregistrer la fiche pour l&apos;imprimer</translation>
    </message>
    <message>
        <location line="+5"/>
        <location filename="../report_pdf.py" line="+94"/>
        <source>PDF document (*.pdf)</source>
        <translation>Document PDF (*.pdf)</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The card could not be saved there: {why}</source>
        <translation>La fiche n&apos;a pas pu être enregistrée à cet endroit&#xa0;: {why}</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Print the card</source>
        <translation>Imprimer la fiche</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The card was sent to the printer. Keep it by your phone.</source>
        <translation>La fiche a été envoyée à l&apos;imprimante. Gardez-la près de votre téléphone.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The card was saved to {path}. Open it to print it, and keep it by your phone.</source>
        <translation>La fiche a été enregistrée dans {path}. Ouvrez-la pour l&apos;imprimer, et gardez-la près de votre téléphone.</translation>
    </message>
    <message>
        <location filename="../report_pdf.py" line="-47"/>
        <source>ScamGuard recovery pack: incident {incident}</source>
        <translation>Fiche de secours ScamGuard&#xa0;: incident {incident}</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>ScamGuard recovery pack {incident}.pdf</source>
        <translation>Fiche de secours ScamGuard {incident}.pdf</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Web page (*.html)</source>
        <translation>Page Web (*.html)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the recovery pack</source>
        <translation>Enregistrer la fiche de secours</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>The recovery pack was not saved: {why}</source>
        <translation>La fiche de secours n&apos;a pas été enregistrée&#xa0;: {why}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The recovery pack was saved to {path}</source>
        <translation>La fiche de secours a été enregistrée ici&#xa0;: {path}</translation>
    </message>
    <message>
        <location filename="../tray.py" line="+125"/>
        <source>a remote-control program was frozen</source>
        <translation>un programme de contrôle à distance a été bloqué</translation>
    </message>
    <message>
        <location line="+0"/>
        <location filename="../warning/alerts.py" line="+420"/>
        <location filename="../warning/text.py" line="+412"/>
        <source>Hang up.</source>
        <translation>Raccrochez.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>not protecting this computer</source>
        <translation>ne protège pas cet ordinateur</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>protecting, but something needs looking at</source>
        <translation>protège, mais quelque chose demande votre attention</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>protecting, but the list of programs is out of date</source>
        <translation>protège, mais la liste des programmes n&apos;est pas à jour</translation>
    </message>
    <message>
        <location line="-5"/>
        <location line="+6"/>
        <source>Check for updates from this menu.</source>
        <translation>Vérifiez les mises à jour à partir de ce menu.</translation>
    </message>
    <message>
        <location line="-87"/>
        <source>{name} (trusted) is running</source>
        <translation>{name} (programme de confiance) est en marche</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{name} is allowed until it closes</source>
        <translation>{name} est autorisé jusqu&apos;à sa fermeture</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{name} is allowed until {time}</source>
        <translation>{name} est autorisé jusqu&apos;à {time}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{running}: Stop it now</source>
        <translation>{running}&#xa0;: l&apos;arrêter maintenant</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>The warning shows no phone numbers (no provider details could be loaded)</source>
        <translation>L&apos;avertissement n&apos;affiche aucun numéro (les renseignements sur le fournisseur n&apos;ont pas pu être chargés)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The warning shows the {name} (no provider chosen)</source>
        <translation>L&apos;avertissement affiche&#xa0;: {name} (aucun fournisseur choisi)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The warning shows {name}&apos;s numbers</source>
        <translation>L&apos;avertissement affiche les numéros de {name}</translation>
    </message>
    <message>
        <location line="+16"/>
        <location line="+94"/>
        <source>ScamGuard: {status}</source>
        <translation>ScamGuard&#xa0;: {status}</translation>
    </message>
    <message>
        <location line="-64"/>
        <source>protecting; a remote-access program is running</source>
        <translation>protection active; un programme d&apos;accès à distance est en marche</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>protecting this computer</source>
        <translation>protège cet ordinateur</translation>
    </message>
    <message>
        <location line="+26"/>
        <location line="+124"/>
        <source>Show the warning</source>
        <translation>Afficher l&apos;avertissement</translation>
    </message>
    <message>
        <location line="-114"/>
        <source>Who to call…</source>
        <translation>Qui appeler…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>History…</source>
        <translation>Historique…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check for updates</source>
        <translation>Vérifier les mises à jour</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings…</source>
        <translation>Paramètres…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Set up ScamGuard again…</source>
        <translation>Configurer ScamGuard de nouveau…</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../windows/about.py" line="-15"/>
        <source>About ScamGuard</source>
        <translation>À propos de ScamGuard</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Quit ScamGuard…</source>
        <translation>Quitter ScamGuard…</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>Shows whether ScamGuard is protecting this computer.</source>
        <translation>Indique si ScamGuard protège cet ordinateur.</translation>
    </message>
    <message>
        <location line="+34"/>
        <location filename="../windows/notices.py" line="-167"/>
        <location line="+149"/>
        <source>Who to call</source>
        <translation>Qui appeler</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../windows/history.py" line="+163"/>
        <source>History</source>
        <translation>Historique</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Set up</source>
        <translation>Configurer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>About</source>
        <translation>À propos</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quit…</source>
        <translation>Quitter…</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>Stop it now</source>
        <translation>L&apos;arrêter maintenant</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Stop {name} now</source>
        <translation>Arrêter {name} maintenant</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Closes the program at once, as Remove on the warning does.</source>
        <translation>Ferme le programme tout de suite, comme le bouton Supprimer de l&apos;avertissement.</translation>
    </message>
    <message>
        <location filename="../warning/parts.py" line="+105"/>
        <source>ScamGuard for {provider}</source>
        <translation>ScamGuard pour {provider}</translation>
    </message>
    <message>
        <location line="+103"/>
        <location filename="../warning/window.py" line="+223"/>
        <source>ScamGuard warning</source>
        <translation>Avertissement de ScamGuard</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>The choices are on your main screen.</source>
        <translation>Les choix sont sur votre écran principal.</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>{tool} ({vendor}) · incident {id}</source>
        <translation>{tool} ({vendor}) · incident {id}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Publisher: {name}</source>
        <translation>Éditeur&#xa0;: {name}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Program: {path} (pid {pid}, {state})</source>
        <translation>Programme&#xa0;: {path} (pid {pid}, {state})</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>started by {parent}</source>
        <translation>démarré par {parent}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>File: {path} (arrived {time}, {state})</source>
        <translation>Fichier&#xa0;: {path} (arrivé&#xa0;: {time}, {state})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Why: {detail}</source>
        <translation>Pourquoi&#xa0;: {detail}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Caught at {time}</source>
        <translation>Intercepté à {time}</translation>
    </message>
    <message>
        <location filename="../warning/text.py" line="-270"/>
        <location filename="../windows/notices.py" line="-65"/>
        <source>A remote-control program</source>
        <translation>Un programme de contrôle à distance</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{first} and {last}</source>
        <translation>{first} et {last}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{names} were just started.</source>
        <translation>{names} viennent de démarrer.</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>{names} were just downloaded.</source>
        <translation>{names} viennent d&apos;être téléchargés.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>They let another person see this computer&apos;s screen.</source>
        <translation>Ils permettent à une autre personne de voir l&apos;écran de cet ordinateur.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>They let another person control this computer.</source>
        <translation>Ils permettent à une autre personne de contrôler cet ordinateur.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{names} was just switched on.</source>
        <translation>{names} vient d&apos;être activé.</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+7"/>
        <source>It lets another person see this computer&apos;s screen.</source>
        <translation>Il permet à une autre personne de voir l&apos;écran de cet ordinateur.</translation>
    </message>
    <message>
        <location line="-5"/>
        <location line="+7"/>
        <source>It lets another person control this computer.</source>
        <translation>Il permet à une autre personne de contrôler cet ordinateur.</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>{names} was just started.</source>
        <translation>{names} vient de démarrer.</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>{names} was just downloaded.</source>
        <translation>{names} vient d&apos;être téléchargé.</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Check {number} against your bill before you call. You can also use the number on your bill, or on the back of your bank card.</source>
        <translation>Comparez le {number} avec votre facture avant d&apos;appeler. Vous pouvez aussi utiliser le numéro inscrit sur votre facture ou au dos de votre carte bancaire.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>You can also use the number on your bill, or on the back of your bank card.</source>
        <translation>Vous pouvez aussi utiliser le numéro sur votre facture, ou au dos de votre carte bancaire.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Some of these numbers were last checked on {date}, more than a year ago.</source>
        <translation>Certains de ces numéros ont été vérifiés pour la dernière fois le {date}, il y a plus d&apos;un an.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Some of these numbers were last checked on {date}, more than a year ago. If one does not work, use the number on your bill, or on the back of your bank card.</source>
        <translation>Certains de ces numéros ont été vérifiés le {date}, il y a plus d&apos;un an. Si l&apos;un d&apos;eux ne fonctionne pas, utilisez le numéro sur votre facture, ou au dos de votre carte bancaire.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Call your bank now from a different phone: {number}, or the number on the back of your card.</source>
        <translation>Appelez votre banque maintenant d&apos;un autre téléphone&#xa0;: {number}, ou le numéro au dos de votre carte.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Call your bank now from a different phone: the number on the back of your card.</source>
        <translation>Appelez votre banque maintenant d&apos;un autre téléphone&#xa0;: le numéro au dos de votre carte.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{names} is still switched on, so someone may be able to connect. Switch it off below.</source>
        <translation>{names} est encore activé&#xa0;: quelqu&apos;un pourrait se connecter. Désactivez-le ci-dessous.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>ScamGuard could not stop it, so it may still be working. Choose Remove now, or turn off the internet.</source>
        <translation>ScamGuard n&apos;a pas pu l&apos;arrêter&#xa0;: il fonctionne peut-être encore. Appuyez sur Supprimer maintenant, ou coupez Internet.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>They have not been opened. Do not open them, whatever the caller says.</source>
        <translation>Ils n&apos;ont pas été ouverts. Ne les ouvrez pas, quoi que dise la personne au téléphone.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>It has not been opened. Do not open it, whatever the caller says.</source>
        <translation>Il n&apos;a pas été ouvert. Ne l&apos;ouvrez pas, quoi que dise la personne au téléphone.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>They have closed. What was downloaded is still on this computer until you choose.</source>
        <translation>Ils se sont fermés. Ce qui a été téléchargé reste sur cet ordinateur jusqu&apos;à votre choix.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>It has closed. What was downloaded is still on this computer until you choose.</source>
        <translation>Il s&apos;est fermé. Ce qui a été téléchargé reste sur cet ordinateur jusqu&apos;à votre choix.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>ScamGuard has stopped them. Nobody can use them to see or control this computer. They stay stopped until you choose.</source>
        <translation>ScamGuard les a arrêtés. Personne ne peut s&apos;en servir pour voir ou contrôler cet ordinateur. Ils restent arrêtés jusqu&apos;à votre choix.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>ScamGuard has stopped it. Nobody can use it to see or control this computer. It stays stopped until you choose.</source>
        <translation>ScamGuard l&apos;a arrêté. Personne ne peut s&apos;en servir pour voir ou contrôler cet ordinateur. Il reste arrêté jusqu&apos;à votre choix.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Someone tried to restart it from outside ScamGuard. It has been stopped again.</source>
        <translation>Quelqu&apos;un a essayé de le redémarrer hors de ScamGuard. Il a été arrêté de nouveau.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Someone tried to restart {names} from outside ScamGuard. It has been stopped again.</source>
        <translation>Quelqu&apos;un a essayé de redémarrer {names} hors de ScamGuard. Il a été arrêté de nouveau.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Someone tried to restart {names} from outside ScamGuard. They have been stopped again.</source>
        <translation>Quelqu&apos;un a essayé de redémarrer {names} hors de ScamGuard. Ils ont été arrêtés de nouveau.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>ScamGuard has stopped {tools}, so nobody can see or control this computer now. Do not go on with your bank while anyone is on the phone with you.</source>
        <translation>ScamGuard a arrêté {tools}&#xa0;: personne ne peut maintenant voir ou contrôler cet ordinateur. Ne continuez pas avec votre banque tant que quelqu&apos;un est au téléphone avec vous.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>ScamGuard could not stop {tools}, so someone may still see this computer. Choose Disconnect now, or turn off the internet.</source>
        <translation>ScamGuard n&apos;a pas pu arrêter {tools}&#xa0;: quelqu&apos;un voit peut-être encore cet ordinateur. Appuyez sur «&#xa0;Déconnecter maintenant&#xa0;», ou coupez Internet.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Someone is connected to this computer through {tools} while your bank is open.</source>
        <translation>Quelqu&apos;un est connecté à cet ordinateur par {tools} pendant que votre banque en ligne est ouverte.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Disconnect now</source>
        <translation>Déconnecter maintenant</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Disconnect now closes {tools} and ends the connection. It is always safe. Closing this screen does not let it run.</source>
        <translation>«&#xa0;Déconnecter maintenant&#xa0;» ferme {tools} et met fin à la connexion. C&apos;est toujours sans danger. Fermer cet écran ne le laisse pas fonctionner.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Closes {tools} and ends the connection. Always safe.</source>
        <translation>Ferme {tools} et met fin à la connexion. Toujours sans danger.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Yes: disconnect now</source>
        <translation>Oui&#xa0;: déconnecter maintenant</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Real companies do not phone out of the blue and ask you to install a program like this.</source>
        <translation>Les vraies entreprises n&apos;appellent pas à l&apos;improviste pour vous faire installer un tel programme.</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+16"/>
        <source>Call your bank&apos;s fraud team</source>
        <translation>Appelez le service des fraudes de votre banque</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Call {provider}</source>
        <translation>Appelez {provider}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Call {provider} on its real number</source>
        <translation>Appelez {provider} à son vrai numéro</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Call a fraud helpline</source>
        <translation>Appelez une ligne antifraude</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Switch off {name}</source>
        <translation>Désactiver {name}</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Switch it off</source>
        <translation>Le désactiver</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Switch off turns {tools} off again. It is always safe. Closing this screen leaves it switched on.</source>
        <translation>«&#xa0;Désactiver&#xa0;» éteint de nouveau {tools}. C&apos;est toujours sans danger. Fermer cet écran le laisse activé.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Turns {tools} off again. Always safe.</source>
        <translation>Désactive de nouveau {tools}. Toujours sans danger.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Yes: switch it off</source>
        <translation>Oui&#xa0;: le désactiver</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove {name}</source>
        <translation>Supprimer {name}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove this program</source>
        <translation>Supprimer ce programme</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Remove these programs</source>
        <translation>Supprimer ces programmes</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove closes {tools}, switches it off and moves what was downloaded out of the way. It is always safe. Closing this screen leaves it switched on.</source>
        <translation>«&#xa0;Supprimer&#xa0;» ferme {tools}, le désactive et met de côté ce qui a été téléchargé. C&apos;est toujours sans danger. Fermer cet écran le laisse activé.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Remove closes {tools} and moves what was downloaded out of the way. It is always safe. Closing this screen does not let it run.</source>
        <translation>«&#xa0;Supprimer&#xa0;» ferme {tools} et met de côté ce qui a été téléchargé. C&apos;est toujours sans danger. Fermer cet écran ne le laisse pas fonctionner.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Closes {tools} and moves what was downloaded out of the way. Always safe.</source>
        <translation>Ferme {tools} et met de côté ce qui a été téléchargé. Toujours sans danger.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Yes: remove it</source>
        <translation>Oui&#xa0;: le supprimer</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>If the caller told you to expect this warning, that is part of the scam.</source>
        <translation>Si la personne au téléphone vous a annoncé cet avertissement, cela fait partie de l&apos;arnaque.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Hang up first. Then call from a different phone, like a mobile. Never use a number the caller gave you. No other phone? Wait five minutes, then call a friend first, to check the line is clear.</source>
        <translation>Raccrochez d&apos;abord. Puis appelez d&apos;un autre téléphone, comme un cellulaire. N&apos;utilisez jamais un numéro donné par la personne au téléphone. Pas d&apos;autre téléphone? Attendez cinq minutes, puis appelez d&apos;abord un proche pour vérifier que la ligne est libre.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Your bank, and reporting fraud</source>
        <translation>Votre banque, et signaler une fraude</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{provider}, and reporting fraud</source>
        <translation>{provider}, et signaler une fraude</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reporting fraud</source>
        <translation>Signaler une fraude</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Did the caller already get into this computer, or get your bank details?</source>
        <translation>La personne a-t-elle déjà eu accès à cet ordinateur, ou à vos renseignements bancaires?</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Turn off the internet, or switch this computer off.</source>
        <translation>Coupez Internet, ou éteignez cet ordinateur.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Do not log in to anything on this computer until it has been checked.</source>
        <translation>Ne vous connectez à rien sur cet ordinateur tant qu&apos;il n&apos;a pas été vérifié.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change your passwords from another device, starting with email.</source>
        <translation>Changez vos mots de passe à partir d&apos;un autre appareil, en commençant par votre courriel.</translation>
    </message>
    <message>
        <location filename="../warning/window.py" line="-78"/>
        <source>ScamGuard warning: hang up</source>
        <translation>Avertissement de ScamGuard&#xa0;: raccrochez</translation>
    </message>
    <message>
        <location line="+124"/>
        <location line="+45"/>
        <location line="+317"/>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <location line="-317"/>
        <source>Shows where the program is and why it was caught.</source>
        <translation>Indique où se trouve le programme et pourquoi il a été intercepté.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Nobody is on the phone: keep the connection</source>
        <translation>Personne au téléphone&#xa0;: garder la connexion</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nobody is on the phone: I set this up myself</source>
        <translation>Personne au téléphone&#xa0;: je l&apos;ai installé</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>No</source>
        <translation>Non</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Only if nobody is on the phone and nobody asked you.</source>
        <translation>Seulement si personne n&apos;est au téléphone et que personne ne vous l&apos;a demandé.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Is anyone on the phone with you, or did anyone ask you to open your bank?</source>
        <translation>Quelqu&apos;un est-il au téléphone avec vous, ou vous a-t-on demandé d&apos;ouvrir votre banque en ligne?</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Is anyone on the phone with you, or did anyone ask you to switch on {tools}?</source>
        <translation>Quelqu&apos;un est-il au téléphone avec vous, ou vous a-t-on demandé d&apos;activer {tools}?</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Is anyone on the phone with you, or did anyone ask you to install {tools}?</source>
        <translation>Quelqu&apos;un est-il au téléphone avec vous, ou vous a-t-on demandé d&apos;installer {tools}?</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Leave it on until I switch it off</source>
        <translation>Le laisser activé jusqu&apos;à ce que je le désactive</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ScamGuard warns again if it is switched on again later.</source>
        <translation>ScamGuard vous avertira de nouveau s&apos;il est réactivé plus tard.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Leave it on for 1 hour</source>
        <translation>Le laisser activé pendant 1 heure</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>After an hour ScamGuard warns again.</source>
        <translation>Après une heure, ScamGuard vous avertira de nouveau.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How long may {tools} stay switched on?</source>
        <translation>Combien de temps {tools} peut-il rester activé?</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Let it run until it closes</source>
        <translation>Le laisser fonctionner jusqu&apos;à sa fermeture</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>It is stopped again if it starts again later.</source>
        <translation>Il sera arrêté de nouveau s&apos;il redémarre plus tard.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Let it run for 1 hour</source>
        <translation>Le laisser fonctionner pendant 1 heure</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>After an hour it is stopped again.</source>
        <translation>Après une heure, il sera arrêté de nouveau.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How long may {tools} run?</source>
        <translation>Combien de temps {tools} peut-il fonctionner?</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Keep the connection for 10 minutes</source>
        <translation>Garder la connexion pendant 10 minutes</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>After 10 minutes it is stopped again.</source>
        <translation>Après 10 minutes, il sera arrêté de nouveau.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keep {tools} connected while your bank is open?</source>
        <translation>Garder {tools} connecté pendant que votre banque en ligne est ouverte?</translation>
    </message>
    <message>
        <location line="+20"/>
        <location filename="../windows/first_run.py" line="+194"/>
        <source>Done</source>
        <translation>Terminé</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Closes this message.</source>
        <translation>Ferme ce message.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save a recovery pack</source>
        <translation>Enregistrer une fiche de secours</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A one-page record of what happened and what to do now, for your bank.</source>
        <translation>Une page qui dit ce qui s&apos;est passé et quoi faire maintenant, pour votre banque.</translation>
    </message>
    <message>
        <location line="+7"/>
        <location filename="../windows/notices.py" line="+87"/>
        <source>Print a card</source>
        <translation>Imprimer une fiche</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../windows/notices.py" line="+0"/>
        <source>A page with these numbers to keep by your phone.</source>
        <translation>Une page avec ces numéros, à garder près de votre téléphone.</translation>
    </message>
    <message>
        <location line="+162"/>
        <source>(in {seconds} seconds)</source>
        <translation>(dans {seconds} secondes)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Only if nobody is on the phone with you.</source>
        <translation>Seulement si personne n&apos;est au téléphone avec vous.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Available after a short wait.</source>
        <translation>Disponible après une courte attente.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Removing {tools}…</source>
        <translation>Suppression de {tools}…</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Hide details</source>
        <translation>Masquer les détails</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Then call {number} ({label}) from a different phone.</source>
        <translation>Puis appelez le {number} ({label}) d&apos;un autre téléphone.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{tools} was left switched on.</source>
        <translation>{tools} est resté activé.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{tools} was allowed to run.</source>
        <translation>{tools} a été autorisé à fonctionner.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>ScamGuard could not switch off {tools}.</source>
        <translation>ScamGuard n&apos;a pas pu désactiver {tools}.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Until it is off, turn off the internet, and hang up.</source>
        <translation>Tant qu&apos;il n&apos;est pas désactivé, coupez Internet et raccrochez.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>ScamGuard could not remove all of {tools}: part of it is still there. Turn off the internet or switch the computer off, then get help from someone you trust.</source>
        <translation>ScamGuard n&apos;a pas pu supprimer tout {tools}&#xa0;: une partie est encore là. Coupez Internet ou éteignez l&apos;ordinateur, puis demandez de l&apos;aide à une personne de confiance.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Hang up now.</source>
        <translation>Raccrochez maintenant.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{tools} have closed.</source>
        <translation>{tools} se sont fermés.</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>{tools} has closed.</source>
        <translation>{tools} s&apos;est fermé.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>It cannot control this computer now. If someone on the phone asked you to install it, hang up.</source>
        <translation>Il ne peut plus contrôler cet ordinateur. Si quelqu&apos;un au téléphone vous a demandé de l&apos;installer, raccrochez.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Write the number down before you press Done.</source>
        <translation>Notez le numéro avant d&apos;appuyer sur Terminé.</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>{tools} were started again from outside ScamGuard and could not be kept stopped, so ScamGuard closed them.</source>
        <translation>{tools} ont été redémarrés hors de ScamGuard et n&apos;ont pas pu rester arrêtés&#xa0;: ScamGuard les a donc fermés.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{tools} was started again from outside ScamGuard and could not be kept stopped, so ScamGuard closed it.</source>
        <translation>{tools} a été redémarré hors de ScamGuard et n&apos;a pas pu rester arrêté&#xa0;: ScamGuard l&apos;a donc fermé.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{tools} has been switched off.</source>
        <translation>{tools} a été désactivé.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{tools} have been removed.</source>
        <translation>{tools} ont été supprimés.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{tools} has been removed.</source>
        <translation>{tools} a été supprimé.</translation>
    </message>
    <message>
        <location line="+86"/>
        <source>This message stays until you choose. Removing {tools} is always safe.</source>
        <translation>Ce message reste affiché jusqu&apos;à votre choix. Supprimer {tools} est toujours sans danger.</translation>
    </message>
    <message>
        <location filename="../card.py" line="+5"/>
        <location filename="../windows/about.py" line="+3"/>
        <source>ScamGuard</source>
        <translation>ScamGuard</translation>
    </message>
    <message>
        <location filename="../windows/about.py" line="+3"/>
        <source>ScamGuard freezes remote-access programs the moment they arrive or start, and shows your provider&apos;s real phone numbers.</source>
        <translation>ScamGuard bloque les programmes d&apos;accès à distance dès qu&apos;ils arrivent ou démarrent, et affiche les vrais numéros de téléphone de votre fournisseur.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Python</source>
        <translation>Python</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Qt</source>
        <translation>Qt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Programs it knows</source>
        <translation>Programmes connus</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../windows/settings/provider.py" line="+61"/>
        <location filename="../windows/settings/window.py" line="-2"/>
        <source>Provider</source>
        <translation>Fournisseur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings file</source>
        <translation>Fichier des paramètres</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>History file</source>
        <translation>Fichier de l&apos;historique</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Provider numbers need checking</source>
        <translation>Numéros du fournisseur à vérifier</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Copy these details</source>
        <translation>Copier ces renseignements</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy everything shown here, to paste into an email to your helpdesk</source>
        <translation>Copier tout ce qui est affiché ici, pour le coller dans un courriel à votre service d&apos;aide</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Copied</source>
        <translation>Copié</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../windows/history.py" line="+27"/>
        <location filename="../windows/notices.py" line="-163"/>
        <location filename="../windows/settings/window.py" line="+18"/>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Close the about window</source>
        <translation>Fermer la fenêtre «&#xa0;À propos&#xa0;»</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>ScamGuard {version}</source>
        <translation>ScamGuard {version}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Qt {qt}, PySide6 {pyside}</source>
        <translation>Qt {qt}, PySide6 {pyside}</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The signature database could not be loaded ({why}).</source>
        <translation>La base de signatures n&apos;a pas pu être chargée ({why}).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>an installed update</source>
        <translation>une mise à jour installée</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>built in</source>
        <translation>fournie avec ScamGuard</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>no date</source>
        <translation>sans date</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{count} remote-access programs; database version {version}, released {date} ({origin})</source>
        <translation>{count} programmes d&apos;accès à distance; base version {version}, date&#xa0;: {date} ({origin})</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>No update feed is set up: ScamGuard uses the list it came with.</source>
        <translation>Aucune source de mises à jour n&apos;est configurée&#xa0;: ScamGuard utilise la liste fournie avec lui.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From {feed}</source>
        <translation>Source&#xa0;: {feed}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>update version {version} installed</source>
        <translation>mise à jour version {version} installée</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>last checked {when} ({result})</source>
        <translation>dernière vérification&#xa0;: {when} ({result})</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Out of date: {why}.</source>
        <translation>Pas à jour&#xa0;: {why}.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No provider details could be loaded ({why}).</source>
        <translation>Les renseignements sur le fournisseur n&apos;ont pas pu être chargés ({why}).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>All {total} phone numbers were last checked more than a year ago and may have changed. Update ScamGuard to check them again.</source>
        <translation>Les {total} numéros de téléphone ont été vérifiés il y a plus d&apos;un an et ont peut-être changé. Mettez ScamGuard à jour pour les vérifier de nouveau.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{count} of the {total} phone numbers were last checked more than a year ago and may have changed. Update ScamGuard to check them again.</source>
        <translation>{count} des {total} numéros de téléphone ont été vérifiés il y a plus d&apos;un an et ont peut-être changé. Mettez ScamGuard à jour pour les vérifier de nouveau.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{name}; phone numbers last checked {date}</source>
        <translation>{name}; numéros de téléphone vérifiés le {date}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Copied.</source>
        <translation>Copié.</translation>
    </message>
    <message>
        <location filename="../windows/common.py" line="+43"/>
        <source>unknown time</source>
        <translation>heure inconnue</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Today at {time}</source>
        <translation>Aujourd&apos;hui à {time}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Yesterday at {time}</source>
        <translation>Hier à {time}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{date} at {time}</source>
        <translation>{date} à {time}</translation>
    </message>
    <message>
        <location filename="../windows/history.py" line="-151"/>
        <source>for 1 hour</source>
        <translation>pendant 1 heure</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>for {n} hours</source>
        <translation>pendant {n} heures</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>for 1 minute</source>
        <translation>pendant 1 minute</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>for {n} minutes</source>
        <translation>pendant {n} minutes</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>because it is trusted in settings</source>
        <translation>car il fait partie des programmes de confiance</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>until it closed</source>
        <translation>jusqu&apos;à sa fermeture</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Settings changed: {what}</source>
        <translation>Paramètres modifiés&#xa0;: {what}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No longer trusted: it will be frozen if it runs</source>
        <translation>Plus de confiance&#xa0;: il sera bloqué s&apos;il démarre</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Trusted in settings: it will not be frozen</source>
        <translation>Programme de confiance&#xa0;: il ne sera pas bloqué</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{said} (note: {note})</source>
        <translation>{said} (note&#xa0;: {note})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Frozen, then removed</source>
        <translation>Bloqué, puis supprimé</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Removed</source>
        <translation>Supprimé</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Allowed {how}</source>
        <translation>Autorisé {how}</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Allowed</source>
        <translation>Autorisé</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Frozen</source>
        <translation>Bloqué</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Allowed {how}, then closed</source>
        <translation>Autorisé {how}, puis fermé</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Allowed, then closed</source>
        <translation>Autorisé, puis fermé</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Frozen, then closed</source>
        <translation>Bloqué, puis fermé</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Installer found, then deleted or moved away</source>
        <translation>Programme d&apos;installation trouvé, puis supprimé ou mis à l&apos;écart</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Closed by itself</source>
        <translation>Fermé de lui-même</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Seen, but it could not be frozen</source>
        <translation>Vu, mais il n&apos;a pas pu être bloqué</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Installer found</source>
        <translation>Programme d&apos;installation trouvé</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Seen, not frozen</source>
        <translation>Vu, non bloqué</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{text}; the installer was put back</source>
        <translation>{text}; le programme d&apos;installation a été remis en place</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>ScamGuard: history</source>
        <translation>ScamGuard&#xa0;: historique</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>What ScamGuard has caught</source>
        <translation>Ce que ScamGuard a intercepté</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Each line is one remote-access program ScamGuard noticed, newest first. Choose a line to see what happened, step by step.</source>
        <translation>Chaque ligne est un programme d&apos;accès à distance repéré par ScamGuard, le plus récent en premier. Choisissez une ligne pour voir ce qui s&apos;est passé, étape par étape.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Read the history again, to show anything new</source>
        <translation>Relire l&apos;historique pour afficher ce qui est nouveau</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>History status</source>
        <translation>État de l&apos;historique</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>When</source>
        <translation>Quand</translation>
    </message>
    <message>
        <location line="+0"/>
        <location filename="../windows/settings/trusted.py" line="-1"/>
        <source>Program</source>
        <translation>Programme</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+11"/>
        <source>What happened</source>
        <translation>Ce qui s&apos;est passé</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>One line for each program ScamGuard caught, newest first. Use the arrow keys to choose one; its steps are shown below.</source>
        <translation>Une ligne par programme intercepté par ScamGuard, le plus récent en premier. Utilisez les flèches du clavier pour en choisir un; ses étapes s&apos;affichent en dessous.</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+129"/>
        <source>Choose a line above to see its steps.</source>
        <translation>Choisissez une ligne ci-dessus pour voir ses étapes.</translation>
    </message>
    <message>
        <location line="-127"/>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps</source>
        <translation>Étapes</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>What happened to the chosen program, step by step, oldest first</source>
        <translation>Ce qui est arrivé au programme choisi, étape par étape, la plus ancienne en premier</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Recovery pack…</source>
        <translation>Fiche de secours…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save a one-page pack about the chosen line, to print or show your bank: what happened, and what to do now</source>
        <translation>Enregistrer une fiche d&apos;une page sur la ligne choisie, à imprimer ou à montrer à votre banque&#xa0;: ce qui s&apos;est passé et quoi faire maintenant</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Recovery pack status</source>
        <translation>État de la fiche de secours</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Close the history window</source>
        <translation>Fermer la fenêtre de l&apos;historique</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>The history could not be read ({why}).</source>
        <translation>L&apos;historique n&apos;a pas pu être lu ({why}).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No history yet: ScamGuard has not caught any remote-access program.</source>
        <translation>Aucun historique pour l&apos;instant&#xa0;: ScamGuard n&apos;a intercepté aucun programme d&apos;accès à distance.</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>{program}, {when}: step by step</source>
        <translation>{program}, {when}&#xa0;: étape par étape</translation>
    </message>
    <message>
        <location filename="../windows/notices.py" line="-95"/>
        <source>ScamGuard: a trusted program started</source>
        <translation>ScamGuard&#xa0;: un programme de confiance a démarré</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{name} has started. It was left running because it is trusted in settings.</source>
        <translation>{name} a démarré. Il n&apos;a pas été arrêté, car il fait partie des programmes de confiance dans les paramètres.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{name} was downloaded. It was left alone because it is trusted in settings.</source>
        <translation>{name} a été téléchargé. Il n&apos;a pas été touché, car il fait partie des programmes de confiance dans les paramètres.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>If someone on the phone asked you to trust it, or is asking you to use it now, that is a scam: hang up and remove it.</source>
        <translation>Si quelqu&apos;un au téléphone vous a demandé de lui faire confiance, ou vous demande de l&apos;utiliser maintenant, c&apos;est une arnaque&#xa0;: raccrochez et supprimez-le.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Remove it and stop trusting it</source>
        <translation>Le supprimer et ne plus lui faire confiance</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Closes {name} and removes it from the trusted programs.</source>
        <translation>Ferme {name} et le retire des programmes de confiance.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>I set it up myself</source>
        <translation>Je l&apos;ai installé moi-même</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Closes this message. It keeps running.</source>
        <translation>Ferme ce message. Le programme continue de fonctionner.</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>ScamGuard: {name} was stopped again</source>
        <translation>ScamGuard&#xa0;: {name} a encore été arrêté</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Stopped again</source>
        <translation>Arrêté de nouveau</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>If someone on the phone is asking you to install it again, that is the scam. Hang up. Removing it was the right thing to do.</source>
        <translation>Si quelqu&apos;un au téléphone vous demande de le réinstaller, c&apos;est ça, l&apos;arnaque. Raccrochez. Vous avez bien fait de le supprimer.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Shows the real numbers to call, from a different phone.</source>
        <translation>Affiche les vrais numéros à appeler, d&apos;un autre téléphone.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Closes this message. {name} stays removed.</source>
        <translation>Ferme ce message. {name} reste supprimé.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>{name} tried to start again and was stopped.</source>
        <translation>{name} a essayé de redémarrer et a été arrêté.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{name} tried to start again {count} times and was stopped each time.</source>
        <translation>{name} a essayé de redémarrer {count} fois et a été arrêté chaque fois.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{name} was downloaded again and moved away.</source>
        <translation>{name} a été téléchargé de nouveau et mis à l&apos;écart.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{name} was downloaded again {count} times and moved away each time.</source>
        <translation>{name} a été téléchargé de nouveau {count} fois et mis à l&apos;écart chaque fois.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>But ScamGuard could not stop all of it: part of it is still running. Turn off the internet, then get help from someone you trust.</source>
        <translation>Mais ScamGuard n&apos;a pas pu tout arrêter&#xa0;: une partie fonctionne encore. Coupez Internet, puis demandez de l&apos;aide à une personne de confiance.</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>ScamGuard: who to call</source>
        <translation>ScamGuard&#xa0;: qui appeler</translation>
    </message>
    <message>
        <location filename="../windows/quit_dialog.py" line="+18"/>
        <location line="+1"/>
        <location line="+5"/>
        <source>Stop ScamGuard?</source>
        <translation>Arrêter ScamGuard?</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>While it is stopped, nothing warns you if a remote-control program starts.</source>
        <translation>Tant qu&apos;il est arrêté, rien ne vous avertit si un programme de contrôle à distance démarre.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>If someone on the phone asked you to close ScamGuard, that is a scam. Hang up.</source>
        <translation>Si quelqu&apos;un au téléphone vous a demandé de fermer ScamGuard, c&apos;est une arnaque. Raccrochez.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Keep ScamGuard running</source>
        <translation>Garder ScamGuard en marche</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop ScamGuard</source>
        <translation>Arrêter ScamGuard</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Closes this question. ScamGuard goes on protecting you.</source>
        <translation>Ferme cette question. ScamGuard continue de vous protéger.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stops ScamGuard until you start it again.</source>
        <translation>Arrête ScamGuard jusqu&apos;à ce que vous le redémarriez.</translation>
    </message>
    <message>
        <location filename="../windows/settings/autostart.py" line="+24"/>
        <source>Recommended: ScamGuard can only protect you while it is running. If someone on the phone asked you to untick this, that is a scam: hang up.</source>
        <translation>Recommandé&#xa0;: ScamGuard ne peut vous protéger que s&apos;il est en marche. Si quelqu&apos;un au téléphone vous a demandé de décocher cette case, c&apos;est une arnaque&#xa0;: raccrochez.</translation>
    </message>
    <message>
        <location line="+14"/>
        <location filename="../windows/settings/window.py" line="-15"/>
        <source>Start at login</source>
        <translation>Démarrage automatique</translation>
    </message>
    <message>
        <location filename="../windows/first_run.py" line="-21"/>
        <location line="+2"/>
        <source>Welcome to ScamGuard</source>
        <translation>Bienvenue dans ScamGuard</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Setting up ScamGuard, in a few steps.</source>
        <translation>Configuration de ScamGuard, en quelques étapes.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Skip</source>
        <translation>Passer</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Close this and keep ScamGuard as it is. It protects either way.</source>
        <translation>Fermer cette fenêtre et garder ScamGuard tel quel. Il vous protège dans tous les cas.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Back</source>
        <translation>Retour</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The page before this one</source>
        <translation>La page précédente</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next</source>
        <translation>Suivant</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The next page</source>
        <translation>La page suivante</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finish setting up</source>
        <translation>Terminer la configuration</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>ScamGuard is protecting this computer</source>
        <translation>ScamGuard protège cet ordinateur</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Scammers phone pretending to be from your broadband company, your bank or a computer firm, and ask you to install a program that lets them control your computer. ScamGuard watches for these programs. If one starts, ScamGuard stops it at once and shows a warning with real phone numbers to call.</source>
        <translation>Des fraudeurs appellent en se faisant passer pour votre fournisseur Internet, votre banque ou une entreprise d&apos;informatique, et vous demandent d&apos;installer un programme qui leur permet de contrôler votre ordinateur. ScamGuard surveille ces programmes. Si l&apos;un d&apos;eux démarre, ScamGuard l&apos;arrête tout de suite et affiche un avertissement avec les vrais numéros à appeler.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>It is already protecting you while you read this. Three short questions follow; you can skip them.</source>
        <translation>Il vous protège déjà pendant que vous lisez ceci. Trois courtes questions suivent; vous pouvez les passer.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Choose the company on your broadband or phone bill. The warning shows its real phone numbers.</source>
        <translation>Choisissez l&apos;entreprise inscrite sur votre facture Internet ou de téléphone. L&apos;avertissement affiche ses vrais numéros de téléphone.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Saved as soon as you choose.</source>
        <translation>Enregistré dès que vous choisissez.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Whose numbers</source>
        <translation>Quels numéros</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saving problem</source>
        <translation>Problème d&apos;enregistrement</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>I don&apos;t know, or none of these (the {name})</source>
        <translation>Je ne sais pas, ou aucun de ceux-ci ({name})</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>I don&apos;t know, or none of these</source>
        <translation>Je ne sais pas, ou aucun de ceux-ci</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Whose numbers the warning shows</source>
        <translation>Les numéros affichés par l&apos;avertissement</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{name} set up ScamGuard on this computer, so the warning shows {name}&apos;s real phone numbers. There is nothing to choose here.</source>
        <translation>{name} a installé ScamGuard sur cet ordinateur, alors l&apos;avertissement affiche les vrais numéros de {name}. Vous n&apos;avez rien à choisir ici.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>If someone on the phone asks you to change these numbers, it is a scam: hang up.</source>
        <translation>Si quelqu&apos;un au téléphone vous demande de changer ces numéros, c&apos;est une fraude&#xa0;: raccrochez.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Start ScamGuard when you log in</source>
        <translation>Démarrer ScamGuard quand vous ouvrez une session</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+5"/>
        <location filename="../windows/settings/autostart.py" line="+2"/>
        <source>Start ScamGuard when I log in</source>
        <translation>Démarrer ScamGuard quand j&apos;ouvre ma session</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../windows/settings/autostart.py" line="+1"/>
        <source>Recommended. ScamGuard can only protect you while it is running.</source>
        <translation>Recommandé. ScamGuard ne peut vous protéger que s&apos;il est en marche.</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../windows/settings/autostart.py" line="+4"/>
        <source>Start at login problem</source>
        <translation>Problème de démarrage automatique</translation>
    </message>
    <message>
        <location filename="../windows/settings/autostart.py" line="+3"/>
        <source>Where this is set</source>
        <translation>Où ce réglage est fait</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>ScamGuard always starts when anyone logs in to this computer. It was set up this way for you, so there is nothing to change here. If someone on the phone asks you to stop ScamGuard, that is a scam: hang up.</source>
        <translation>ScamGuard démarre toujours quand quelqu&apos;un ouvre une session sur cet ordinateur. Il a été réglé ainsi pour vous&#xa0;: vous n&apos;avez rien à changer ici. Si quelqu&apos;un au téléphone vous demande d&apos;arrêter ScamGuard, c&apos;est une arnaque&#xa0;: raccrochez.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Set for everyone in: {where}</source>
        <translation>Réglé pour tout le monde dans&#xa0;: {where}</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Set in: {where}</source>
        <translation>Réglé dans&#xa0;: {where}</translation>
    </message>
    <message>
        <location filename="../windows/first_run.py" line="-239"/>
        <location filename="../windows/settings/autostart.py" line="+28"/>
        <source>This did not take effect: {where}</source>
        <translation>Ce réglage n&apos;a pas pris effet&#xa0;: {where}</translation>
    </message>
    <message>
        <location filename="../windows/settings/folders.py" line="+34"/>
        <source>Folders ScamGuard watches</source>
        <translation>Dossiers surveillés par ScamGuard</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>ScamGuard looks in these folders for remote-access programs being downloaded or installed. These are always watched:</source>
        <translation>ScamGuard surveille ces dossiers pour repérer les programmes d&apos;accès à distance téléchargés ou installés. Ceux-ci sont toujours surveillés&#xa0;:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Folders always watched</source>
        <translation>Dossiers toujours surveillés</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Also watched, because you added them:</source>
        <translation>Aussi surveillés, car vous les avez ajoutés&#xa0;:</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Folders you added</source>
        <translation>Dossiers que vous avez ajoutés</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Extra folders ScamGuard watches. Choose one and press Remove to stop watching it.</source>
        <translation>Autres dossiers surveillés par ScamGuard. Choisissez-en un et appuyez sur Retirer pour ne plus le surveiller.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>None yet.</source>
        <translation>Aucun pour l&apos;instant.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add a folder…</source>
        <translation>Ajouter un dossier…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Choose another folder for ScamGuard to watch</source>
        <translation>Choisir un autre dossier à faire surveiller par ScamGuard</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stop watching the chosen folder</source>
        <translation>Ne plus surveiller le dossier choisi</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Remove folder</source>
        <translation>Retirer le dossier</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Folder change</source>
        <translation>Modification des dossiers</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Changes are saved at once. ScamGuard starts watching a new folder straight away, or once no remote-control program is waiting for you or allowed to run.</source>
        <translation>Les modifications sont enregistrées tout de suite. ScamGuard surveille un nouveau dossier immédiatement, ou dès qu&apos;aucun programme de contrôle à distance n&apos;attend votre réponse ou n&apos;est autorisé.</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Choose a folder for ScamGuard to watch</source>
        <translation>Choisissez un dossier à faire surveiller par ScamGuard</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{folder} is not a folder.</source>
        <translation>{folder} n&apos;est pas un dossier.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{folder} is already watched.</source>
        <translation>{folder} est déjà surveillé.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>ScamGuard now watches {folder} as well.</source>
        <translation>ScamGuard surveille maintenant aussi {folder}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>ScamGuard no longer watches {folder}.</source>
        <translation>ScamGuard ne surveille plus {folder}.</translation>
    </message>
    <message>
        <location filename="../windows/settings/provider.py" line="-26"/>
        <source>No provider: {name}</source>
        <translation>Aucun fournisseur&#xa0;: {name}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} ({country})</source>
        <translation>{name} ({country})</translation>
    </message>
    <message>
        <location filename="../windows/first_run.py" line="+151"/>
        <location line="+17"/>
        <location filename="../windows/settings/provider.py" line="+16"/>
        <source>Your broadband or phone provider</source>
        <translation>Votre fournisseur Internet ou de téléphone</translation>
    </message>
    <message>
        <location filename="../windows/settings/provider.py" line="+3"/>
        <source>When ScamGuard stops a remote-access program, its warning shows this provider&apos;s real phone numbers. Choose the company you pay for your broadband or phone line.</source>
        <translation>Quand ScamGuard arrête un programme d&apos;accès à distance, son avertissement affiche les vrais numéros de téléphone de ce fournisseur. Choisissez l&apos;entreprise à qui vous payez votre Internet ou votre ligne de téléphone.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The company whose real phone numbers the warning shows. Saved as soon as you choose.</source>
        <translation>L&apos;entreprise dont l&apos;avertissement affiche les vrais numéros de téléphone. Enregistré dès que vous choisissez.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>About the provider choice</source>
        <translation>À propos du choix du fournisseur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The numbers the warning will show:</source>
        <translation>Les numéros que l&apos;avertissement affichera&#xa0;:</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>No provider details could be loaded. The warning will still stop the program, but without phone numbers.</source>
        <translation>Les renseignements sur le fournisseur n&apos;ont pas pu être chargés. L&apos;avertissement arrêtera quand même le programme, mais sans numéros de téléphone.</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{name} set this up for you, so the warning always shows their real phone numbers. You do not need to change anything here. If you move to a different broadband company, ask them or someone you trust to change it. If someone on the phone asks you to change it, that is a scam: hang up.</source>
        <translation>{name} a fait ce réglage pour vous&#xa0;: l&apos;avertissement affiche donc toujours ses vrais numéros de téléphone. Vous n&apos;avez rien à changer ici. Si vous changez de fournisseur Internet, demandez-lui, ou à une personne de confiance, de le modifier. Si quelqu&apos;un au téléphone vous demande de le modifier, c&apos;est une arnaque&#xa0;: raccrochez.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The provider you chose is not available any more; the warning uses {name} instead. Choose again to fix this.</source>
        <translation>Le fournisseur choisi n&apos;est plus offert; l&apos;avertissement utilise {name} à la place. Choisissez de nouveau pour corriger cela.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not chosen yet: the warning uses the helplines for your country.</source>
        <translation>Pas encore choisi&#xa0;: l&apos;avertissement utilise les lignes d&apos;aide de votre pays.</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>checked {date}</source>
        <translation>vérifié le {date}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Checked more than a year ago: this number may have changed. An update of ScamGuard will check it again.</source>
        <translation>Vérifié il y a plus d&apos;un an&#xa0;: ce numéro a peut-être changé. Une mise à jour de ScamGuard le vérifiera de nouveau.</translation>
    </message>
    <message>
        <location filename="../windows/first_run.py" line="+49"/>
        <location line="+2"/>
        <location filename="../windows/settings/provider.py" line="+7"/>
        <source>{label}: {number}</source>
        <translation>{label}&#xa0;: {number}</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>ScamGuard starts by itself whenever anyone logs in to this computer. It was set up this way for you, so there is nothing to change.</source>
        <translation>ScamGuard démarre tout seul chaque fois que quelqu&apos;un ouvre une session sur cet ordinateur. Il a été configuré ainsi pour vous; vous n&apos;avez rien à changer.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>ScamGuard can only protect you while it is running. Leave this ticked so it starts every time you log in. If someone on the phone asks you to untick it, that is a scam: hang up.</source>
        <translation>ScamGuard ne vous protège que s&apos;il est en marche. Laissez cette case cochée pour qu&apos;il démarre chaque fois que vous ouvrez une session. Si quelqu&apos;un au téléphone vous demande de la décocher, c&apos;est une fraude&#xa0;: raccrochez.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>What the warning looks like</source>
        <translation>À quoi ressemble l&apos;avertissement</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>If a remote-control program starts, ScamGuard stops it and this warning fills the screen. Hang up the phone first, then do what it says.</source>
        <translation>Si un programme de contrôle à distance démarre, ScamGuard l&apos;arrête et cet avertissement remplit l&apos;écran. Raccrochez d&apos;abord, puis suivez ses instructions.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A small picture of ScamGuard&apos;s warning</source>
        <translation>Une petite image de l&apos;avertissement de ScamGuard</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Step {n} of {total}</source>
        <translation>Étape {n} sur {total}</translation>
    </message>
    <message>
        <location line="+69"/>
        <location filename="../windows/settings/saving.py" line="+66"/>
        <location filename="../windows/settings/trusted.py" line="+214"/>
        <source>The settings could not be saved ({why}).</source>
        <translation>Les paramètres n&apos;ont pas pu être enregistrés ({why}).</translation>
    </message>
    <message>
        <location filename="../windows/settings/saving.py" line="+11"/>
        <source>The damaged settings file was kept beside the new one, and your change was saved.</source>
        <translation>Le fichier de paramètres endommagé a été gardé à côté du nouveau, et votre modification a été enregistrée.</translation>
    </message>
    <message>
        <location filename="../windows/settings/trusted.py" line="-254"/>
        <source>Only for a program you set up yourself for someone you know, like a family member who helps you. If anyone on the phone asks you to do this, it is a scam: hang up.</source>
        <translation>Seulement pour un programme que vous avez installé vous-même pour une personne que vous connaissez, comme un membre de votre famille qui vous aide. Si quelqu&apos;un au téléphone vous demande de faire cela, c&apos;est une arnaque&#xa0;: raccrochez.</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>ScamGuard never freezes a trusted program. It still notes in the history when one starts.</source>
        <translation>ScamGuard ne bloque jamais un programme de confiance. Il note quand même dans l&apos;historique chaque fois qu&apos;il démarre.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Trusted since</source>
        <translation>De confiance depuis</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+52"/>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <location line="-49"/>
        <source>Programs ScamGuard will not freeze. Choose one and press Stop trusting to protect against it again.</source>
        <translation>Programmes que ScamGuard ne bloquera pas. Choisissez-en un et appuyez sur «&#xa0;Ne plus faire confiance&#xa0;» pour vous en protéger de nouveau.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>ScamGuard never freezes a trusted program. It still notes in the history when one starts. On this computer the list is kept for every account, and only an administrator can change it (for example, in a terminal: sudo scamguard trust add teamviewer).</source>
        <translation>ScamGuard ne bloque jamais un programme de confiance. Il note quand même dans l&apos;historique chaque fois qu&apos;il démarre. Sur cet ordinateur, la liste vaut pour tous les comptes, et seul un administrateur peut la modifier (par exemple, dans un terminal&#xa0;: sudo scamguard trust add teamviewer).</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No program is trusted.</source>
        <translation>Aucun programme de confiance.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop trusting</source>
        <translation>Ne plus faire confiance</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ScamGuard will freeze the chosen program again whenever it runs</source>
        <translation>ScamGuard bloquera de nouveau le programme choisi chaque fois qu&apos;il démarre</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Trust a program…</source>
        <translation>Faire confiance à un programme…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Let one remote-access program run without being frozen. Read the explanation that follows first.</source>
        <translation>Laisser un programme d&apos;accès à distance fonctionner sans être bloqué. Lisez d&apos;abord l&apos;explication qui suit.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Trust change</source>
        <translation>Changement des programmes de confiance</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Trust a program</source>
        <translation>Faire confiance à un programme</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Which program?</source>
        <translation>Quel programme?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Program to trust</source>
        <translation>Programme à qui faire confiance</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose a program</source>
        <translation>Choisissez un programme</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A note for later (optional): who it is for, and why</source>
        <translation>Une note pour plus tard (facultatif)&#xa0;: pour qui, et pourquoi</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>For example: Sam, my son, helps me with it</source>
        <translation>Par exemple&#xa0;: mon fils Samuel m&apos;aide avec l&apos;ordinateur</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Optional. Saved with the trusted program and shown in the history.</source>
        <translation>Facultatif. Enregistrée avec le programme de confiance et affichée dans l&apos;historique.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Wait before confirming</source>
        <translation>Attendez avant de confirmer</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Trust this program</source>
        <translation>Faire confiance à ce programme</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>ScamGuard will not freeze the chosen program. Only if you set it up yourself for someone you know.</source>
        <translation>ScamGuard ne bloquera pas le programme choisi. Seulement si vous l&apos;avez installé vous-même pour une personne que vous connaissez.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Do not trust any program</source>
        <translation>Ne faire confiance à aucun programme</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel trusting a program</source>
        <translation>Annuler l&apos;ajout d&apos;un programme de confiance</translation>
    </message>
    <message>
        <location line="+79"/>
        <source>Take a moment. You can confirm in 1 second.</source>
        <translation>Prenez un moment. Vous pourrez confirmer dans 1 seconde.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Take a moment. You can confirm in {n} seconds.</source>
        <translation>Prenez un moment. Vous pourrez confirmer dans {n} secondes.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose the program first.</source>
        <translation>Choisissez d&apos;abord le programme.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>If you are sure, press “Trust this program”.</source>
        <translation>Si c&apos;est bien ce que vous voulez, appuyez sur «&#xa0;Faire confiance à ce programme&#xa0;».</translation>
    </message>
    <message>
        <location line="+17"/>
        <location line="+18"/>
        <source>{name} is trusted: ScamGuard will not freeze it.</source>
        <translation>{name} est un programme de confiance&#xa0;: ScamGuard ne le bloquera pas.</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>{name} could not be trusted: the settings could not be saved ({why}).</source>
        <translation>{name} n&apos;a pas pu être ajouté aux programmes de confiance&#xa0;: les paramètres n&apos;ont pas pu être enregistrés ({why}).</translation>
    </message>
    <message>
        <location line="+24"/>
        <location line="+16"/>
        <source>{name} is no longer trusted: ScamGuard will freeze it if it runs.</source>
        <translation>{name} n&apos;est plus un programme de confiance&#xa0;: ScamGuard le bloquera s&apos;il démarre.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Nothing was changed: {why}</source>
        <translation>Rien n&apos;a été changé&#xa0;: {why}</translation>
    </message>
    <message>
        <location filename="../windows/settings/window.py" line="-35"/>
        <source>ScamGuard: settings</source>
        <translation>ScamGuard&#xa0;: paramètres</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Problem with the saved settings</source>
        <translation>Problème avec les paramètres enregistrés</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Settings sections</source>
        <translation>Sections des paramètres</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Provider, watched folders, trusted programs, starting at login, and reading and sound. Use the arrow keys to choose one.</source>
        <translation>Fournisseur, dossiers surveillés, programmes de confiance, démarrage automatique, et lecture et son. Utilisez les flèches pour en choisir un.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Watched folders</source>
        <translation>Dossiers surveillés</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Close the settings window</source>
        <translation>Fermer la fenêtre des paramètres</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Your saved settings could not be used, so ScamGuard is using its defaults ({problem}). Changing a setting here saves new ones; the old file is kept.</source>
        <translation>Vos paramètres enregistrés n&apos;ont pas pu être utilisés&#xa0;: ScamGuard utilise donc ses paramètres par défaut ({problem}). Si vous modifiez un paramètre ici, de nouveaux paramètres sont enregistrés; l&apos;ancien fichier est gardé.</translation>
    </message>
    <message>
        <location filename="../icons.py" line="+94"/>
        <source>Green shield with a tick: ScamGuard is protecting this computer.</source>
        <translation>Bouclier vert avec un crochet&#xa0;: ScamGuard protège cet ordinateur.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Red shield with an exclamation mark: a remote-control program was stopped.</source>
        <translation>Bouclier rouge avec un point d&apos;exclamation&#xa0;: un programme de contrôle à distance a été arrêté.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Amber shield with an i: protecting, but something needs looking at.</source>
        <translation>Bouclier orange avec un i&#xa0;: protection active, mais quelque chose demande votre attention.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Amber shield with a question mark: the list of programs is out of date.</source>
        <translation>Bouclier orange avec un point d&apos;interrogation&#xa0;: la liste des programmes n&apos;est pas à jour.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Grey shield with two bars: ScamGuard is not protecting this computer.</source>
        <translation>Bouclier gris avec deux barres&#xa0;: ScamGuard ne protège pas cet ordinateur.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Blue shield with a screen: a remote-access program is running.</source>
        <translation>Bouclier bleu avec un écran&#xa0;: un programme d&apos;accès à distance est en marche.</translation>
    </message>
    <message>
        <location filename="../qr.py" line="+101"/>
        <source>QR code: scan with your mobile phone to call {number}</source>
        <translation>Code QR&#xa0;: balayez-le avec votre cellulaire pour appeler le {number}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Point your mobile phone&apos;s camera at this square. Your phone offers to call {number}.</source>
        <translation>Pointez l&apos;appareil photo de votre cellulaire vers ce carré. Votre téléphone vous proposera d&apos;appeler le {number}.</translation>
    </message>
    <message>
        <location filename="../warning/alerts.py" line="-110"/>
        <source>ScamGuard could not remove it; the problem is in its history</source>
        <translation>ScamGuard n&apos;a pas pu le supprimer; le problème est noté dans l&apos;historique</translation>
    </message>
    <message>
        <location line="+113"/>
        <source>ScamGuard caught a program that lets someone control this computer. If the caller told you to expect this warning, that is part of the scam. Remove it, then call your bank on the number on the back of your card, from a different phone.</source>
        <translation>ScamGuard a intercepté un programme qui permet à quelqu&apos;un de contrôler cet ordinateur. Si la personne au téléphone vous a dit de vous attendre à cet avertissement, cela fait partie de la fraude. Supprimez-le, puis appelez votre banque au numéro inscrit au dos de votre carte, d&apos;un autre téléphone.</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+3"/>
        <source>Remove it</source>
        <translation>Le supprimer</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Closes the program. Always safe.</source>
        <translation>Ferme le programme. Toujours sans danger.</translation>
    </message>
    <message>
        <location filename="../warning/speech.py" line="+44"/>
        <source>plus</source>
        <translation>plus</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>{call_title}: {number}, from a different phone.</source>
        <translation>{call_title}&#xa0;: {number}, d&apos;un autre téléphone.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Call {who} on {number}, from a different phone.</source>
        <translation>Appelez {who} au {number}, d&apos;un autre téléphone.</translation>
    </message>
    <message>
        <location filename="../windows/settings/reading.py" line="+31"/>
        <location filename="../windows/settings/window.py" line="-67"/>
        <source>Reading and sound</source>
        <translation>Lecture et son</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Read the warning aloud when it appears</source>
        <translation>Lire l&apos;avertissement à voix haute quand il apparaît</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ScamGuard says the warning&apos;s first words and the number to call.</source>
        <translation>ScamGuard lit les premiers mots de l&apos;avertissement et le numéro à appeler.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>When ScamGuard stops a remote-access program, it plays a sound and reads out the warning and the number to call, so you hear it even if you are looking away from the screen.</source>
        <translation>Quand ScamGuard arrête un programme d&apos;accès à distance, il fait entendre un son et lit l&apos;avertissement et le numéro à appeler, pour que vous l&apos;entendiez même si vous ne regardez pas l&apos;écran.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Larger text in ScamGuard&apos;s windows</source>
        <translation>Texte plus grand dans les fenêtres de ScamGuard</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Makes the words bigger in ScamGuard&apos;s windows, its menu and its messages.</source>
        <translation>Agrandit le texte dans les fenêtres, le menu et les messages de ScamGuard.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Makes the words bigger in ScamGuard&apos;s windows, its menu and its messages. The full-screen warning is already as large as fits on the screen.</source>
        <translation>Agrandit le texte dans les fenêtres, le menu et les messages de ScamGuard. L&apos;avertissement plein écran est déjà aussi grand que l&apos;écran le permet.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reading and sound problem</source>
        <translation>Problème de lecture et son</translation>
    </message>
</context>
</TS>
